"""Understanding a need the caller describes in their own words (pure core).

The phrase matcher (``ivr.matcher``) finds a menu's own phrases inside what
was said; this package judges the whole sentence: which services and options
it is about (``ranker``), what in it changes the answer ("not urgent",
"there is no fire": ``cues``), and whether the menu may act at once, must ask,
or must offer the closest choices (``policy``). Rankers that need a model
(sentence embeddings) live at the edge, in ``ivr.nlu``, behind ``Ranker``.
"""
