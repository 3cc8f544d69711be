"""A ``Ranker`` on sentence embeddings: a description is near the examples it means.

Every target text (label, phrases, examples, purpose) is embedded once and
kept on disk (``$IVR_CACHE_DIR/embeddings``, else ``~/.cache/ivr/embeddings``),
keyed by the model and the texts, because embedding a menu's few hundred
texts takes seconds while loading the matrix back takes milliseconds. A
description scores, per target, the mean of its two best cosines (one lucky
example is weaker evidence than two), taken relative to the median target:
this model finds every pair of sentences somewhat alike (cosines of 0.78-0.93),
so "bla bla bla" is as close to the ambulance as to anything, and only a lead
over the crowd means something.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from ivr.nlu.embedding import Embedder
from ivr.understand.ranker import Scored, Thresholds
from ivr.understand.targets import Target

log = logging.getLogger(__name__)

#: A target's lead over the median target, in cosine, that maps to 0 and to 1: noise
#: leads by 0.02-0.06, paraphrases by 0.06-0.15 (measured on the dev split).
LOW = 0.0
HIGH = 0.12
#: Tuned on the en-dev and nb-dev text sets only (bench/bench_understanding.py).
SEMANTIC_THRESHOLDS = Thresholds(floor=0.25, confirm=0.35, act=0.6, margin=0.12)


def cache_dir() -> Path:
    explicit = os.environ.get("IVR_CACHE_DIR", "").strip()
    if explicit:
        return Path(explicit) / "embeddings"
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(xdg) if xdg else Path.home() / ".cache") / "ivr" / "embeddings"


class EmbeddingRanker:
    """Ranks targets by how close a description is to what the menu says of them."""

    def __init__(
        self,
        targets: Sequence[Target],
        embedder: Embedder,
        languages: Sequence[str],
        cache: Path | None = None,
    ) -> None:
        self._embedder = embedder
        self._langs = frozenset(languages)
        self._cache = cache if cache is not None else cache_dir()
        self._refs: dict[str, list[str]] = {}
        self._texts: dict[str, list[str]] = {}
        self._matrix: dict[str, npt.NDArray[np.float32]] = {}
        for lang in languages:
            pairs = [(t.ref, text) for t in targets for text in t.texts_in(lang)]
            self._refs[lang] = [ref for ref, _ in pairs]
            self._texts[lang] = [text for _, text in pairs]
            self._matrix[lang] = self._embed_cached([text for _, text in pairs])

    @property
    def name(self) -> str:
        return f"embedding ({self._embedder.name})"

    @property
    def thresholds(self) -> Thresholds:
        return SEMANTIC_THRESHOLDS

    def languages(self) -> frozenset[str]:
        return self._langs

    def rank(self, text: str, lang: str) -> list[Scored]:
        matrix = self._matrix.get(lang)
        if matrix is None or not len(matrix) or not text.strip():
            return []
        query = self._embedder.embed([text])[0]
        cosines = matrix @ query
        per_ref: dict[str, list[tuple[float, int]]] = {}
        for i, ref in enumerate(self._refs[lang]):
            per_ref.setdefault(ref, []).append((float(cosines[i]), i))
        means: dict[str, float] = {}
        for ref, values in per_ref.items():
            values.sort(reverse=True)
            top = [v for v, _ in values[:2]]
            means[ref] = sum(top) / len(top)
        median = float(np.median(list(means.values())))
        out: list[Scored] = []
        for ref, mean in means.items():
            score = min(1.0, max(0.0, (mean - median - LOW) / (HIGH - LOW)))
            out.append(Scored(ref, score, self._texts[lang][per_ref[ref][0][1]]))
        return sorted(out, key=lambda s: -s.score)

    def _embed_cached(self, texts: list[str]) -> npt.NDArray[np.float32]:
        digest = hashlib.sha256(
            "\n".join([self._embedder.name, *texts]).encode("utf-8")
        ).hexdigest()[:32]
        path = self._cache / f"{digest}.npy"
        if path.is_file():
            try:
                loaded = np.load(path, allow_pickle=False)
                if loaded.shape[0] == len(texts):
                    return np.asarray(loaded, dtype=np.float32)
            except (OSError, ValueError) as exc:
                log.warning("embedding cache %s unreadable (%s): recomputing", path, exc)
        matrix = self._embedder.embed(texts)
        try:
            self._cache.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self._cache, suffix=".npy.tmp")
            with os.fdopen(fd, "wb") as handle:
                np.save(handle, matrix, allow_pickle=False)
            os.replace(tmp, path)
        except OSError as exc:
            log.warning("could not cache embeddings in %s: %s", self._cache, exc)
        return matrix
