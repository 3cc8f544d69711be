"""What both reading paths read by: the limits on a document, the parser, and booleans.

``ivr.yamlsrc.fast`` must give exactly what ``ivr.yamlsrc.strict`` gives, so
the numbers, tags and scalar rules they both decide by are defined once, here.
"""

from __future__ import annotations

import re

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

_BOOL_TAG = "tag:yaml.org,2002:bool"
_BOOLEAN = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_plain: dict[type[yaml.SafeLoader], type[yaml.SafeLoader]] = {}  # made once per parser


def plain_booleans(base: type[yaml.SafeLoader]) -> type[yaml.SafeLoader]:
    """``base`` reading only true and false as booleans, as YAML 1.2 does.

    PyYAML follows YAML 1.1, where yes, no, on and off are booleans too, so a
    menu could not list what callers actually say (``words: [yes, on]``) and a
    call could not ``say: yes`` without quotes. A field that wants a boolean
    still gets one from true/false, and says so when given yes or no.
    """
    made = _plain.get(base)
    if made is not None:
        return made
    resolvers = {
        first: [(tag, regexp) for tag, regexp in rules if tag != _BOOL_TAG]
        for first, rules in base.yaml_implicit_resolvers.items()
    }
    for first in "tTfF":
        resolvers.setdefault(first, []).append((_BOOL_TAG, _BOOLEAN))

    class PlainBooleans(base):  # type: ignore[valid-type,misc]
        yaml_implicit_resolvers = resolvers

    _plain[base] = PlainBooleans
    return PlainBooleans
