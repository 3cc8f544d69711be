"""The rankers a front end hands to ``MenuIndex``: embeddings blended with stems.

Composes the embedding engine (``ivr.nlu.embedding``) with the core's lexical
ranker; without the ``nlu`` extra it returns none and the core's lexical
ranker judges alone (logged once).
"""

from __future__ import annotations

import logging
import os

from ivr.errors import IvrError
from ivr.menuindex import MenuIndex
from ivr.model import Menu
from ivr.nlu.spelling import open_known
from ivr.understand.ranker import BlendRanker, LexicalRanker, Ranker, Thresholds
from ivr.understand.targets import menu_targets

log = logging.getLogger(__name__)

#: Share of the embedding score in the blend, and the blend's thresholds; tuned on the
#: en-dev and nb-dev text sets only (bench/bench_understanding.py).
#: Grid-searched (weight 0.4-0.7, confirm 0.2-0.3, act 0.4-0.55, margin 0.08-0.12) for
#: the most right with none wrong and fewest questions about noise ("bla bla bla").
WEIGHT = 0.6
BLEND_THRESHOLDS = Thresholds(floor=0.175, confirm=0.25, act=0.5, margin=0.12, min_overlap=1)


def open_rankers(menu: Menu) -> list[Ranker]:
    """Rankers for described needs in ``menu``; [] when no embedding model is installed
    (or ``IVR_EMBEDDINGS=none``)."""
    if os.environ.get("IVR_EMBEDDINGS", "").strip().lower() == "none":
        return []
    from ivr.nlu import embedding

    if not embedding.available():
        log.info("no sentence-embedding model installed: described needs judged by stems")
        return []
    from ivr.nlu.semantic import EmbeddingRanker

    targets = menu_targets(menu)
    semantic = EmbeddingRanker(targets, embedding.open_embedder(), menu.languages)
    lexical = LexicalRanker(targets, menu.languages)
    return [BlendRanker(semantic, lexical, WEIGHT, BLEND_THRESHOLDS)]


def menu_index(menu: Menu) -> MenuIndex:
    """A ``MenuIndex`` whose understanding uses the best rankers installed; a broken
    embedding model is logged and the stems judge alone, never a failed call."""
    try:
        rankers = open_rankers(menu)
    except IvrError as exc:
        log.warning("sentence embeddings unavailable (%s): described needs judged by stems", exc)
        rankers = []
    return MenuIndex(menu, rankers=rankers, known=open_known())
