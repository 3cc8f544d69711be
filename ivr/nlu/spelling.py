"""Whether a word is a word of English or Norwegian bokmål: simplemma's dictionaries.

The core's ``Respeller`` (``ivr.understand.respell``) mends only words no
dictionary knows; simplemma (``ivr[nlu]``) holds lemma tables for both of the
menu's languages, offline, in pure Python. Without it nothing is mended.
"""

from __future__ import annotations

import logging
from functools import lru_cache

from ivr.understand.respell import Known

log = logging.getLogger(__name__)

#: The languages simplemma is asked about (others: every word counts as known).
LANGUAGES = frozenset({"en", "nb"})


def open_known() -> Known | None:
    """simplemma's dictionary check, or ``None`` when it is not installed."""
    try:
        import simplemma
    except ImportError:
        log.info("simplemma is not installed: typing slips are not mended")
        return None

    @lru_cache(maxsize=65536)
    def known(word: str, lang: str) -> bool:
        if lang not in LANGUAGES:
            return True
        return bool(simplemma.is_known(word, lang=lang))

    return known
