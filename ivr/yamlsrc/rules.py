"""What both reading paths read by: the limits on a document, and the parser.

``ivr.yamlsrc.fast`` must give exactly what ``ivr.yamlsrc.strict`` gives, so
the numbers and tags they both decide by are defined once, here.
"""

from __future__ import annotations

import yaml

#: A menu is hand-written; anything bigger is the wrong file, or an attack.
MAX_FILE_BYTES = 8 * 1024 * 1024
#: Values a document may expand to through aliases (an alias bomb expands to billions).
MAX_EXPANDED_NODES = 2_000_000
#: Nesting, checked before libyaml's composer recurses on it.
MAX_DEPTH = 64

STR_TAG = "tag:yaml.org,2002:str"

#: libyaml's parser where it is installed (several times faster), else PyYAML's own.
PARSER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
