"""Moonshine base (English): a neural recogniser whose weights ship in a PyPI wheel.

Why: pocketsphinx's models top out at 90% on real telephone digits (FSDD);
the errors are accented speakers whose fricatives the 8 kHz line removed.
Moonshine (an encoder-decoder transformer trained on far more, and more
varied, speech) hears 97.2% of them when its decoder is only asked how likely
each grammar phrase is (``ivr.asr.moonshine_engine``). No English vosk or
whisper model is reachable from our machines, but Moonshine AI's
``moonshine-cpp`` wheel (MIT, linux x86_64) carries the base English model.

The wheel's own C++ library is built for CPUs with AVX-512 and dies with an
illegal instruction here, so only its model files are used, through
onnxruntime. They are in ORT format with int8 weights that the graph turns
back into floats on *every* call (Cast, Mul, Add on initialisers: 80% of the
decoder's time). ``prepared`` therefore converts them once into plain ONNX
with those weights precomputed (same arithmetic, 3x faster), in a folder of
``models/``, written atomically.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from ivr.asr.base import EngineError, models_dir

log = logging.getLogger(__name__)

#: A folder holding the model files below, or ``none`` to do without Moonshine.
ENV = "IVR_MOONSHINE_MODEL"
PACKAGE = "moonshine_cpp"
_IN_PACKAGE = Path("models") / "base-en"
ENCODER = "encoder_model"
DECODER = "decoder_model_merged"
TOKENIZER = "tokenizer.bin"
FILES = (f"{ENCODER}.ort", f"{DECODER}.ort", TOKENIZER)
#: The prepared copy's folder name under ``models/``.
PREPARED = "moonshine-base-en"
_STAMP = "source.json"
_INSTALL_HINT = "pip install 'ivr[neural]' (linux x86_64), or set IVR_MOONSHINE_MODEL=none"
#: Decoder shape of the base model: layers, key/value heads, head size.
LAYERS, HEADS, HEAD_DIM = 8, 8, 52
BOS, EOS = 1, 2
_FIRST_BYTE, _FIRST_PIECE = 3, 259
#: SentencePiece's word-start mark.
SPACE = "\u2581"


def find(root: Path | None = None) -> Path | None:
    """The folder of the original model files, or ``None`` when Moonshine is not installed.

    ``IVR_MOONSHINE_MODEL`` names another folder, or ``none``. A folder that is
    named but incomplete is an error rather than a silent fallback.
    """
    if root is None:
        configured = os.environ.get(ENV, "").strip()
        if configured.lower() == "none":
            return None
        if configured:
            root = Path(configured)
        else:
            spec = importlib.util.find_spec(PACKAGE)
            if spec is None or not spec.submodule_search_locations:
                return None
            root = Path(next(iter(spec.submodule_search_locations))) / _IN_PACKAGE
    if not root.is_dir():
        raise EngineError(
            f"{ENV}={root}: no such folder",
            f"point it at a Moonshine model folder, or set {ENV}=none",
        )
    for name in FILES:
        path = root / name
        if not path.is_file() or path.stat().st_size == 0:
            raise EngineError(f"Moonshine model file missing or empty: {path}", _INSTALL_HINT)
    return root


def _stamp(source: Path) -> dict[str, Any]:
    """What the prepared copy was made from: a changed source means a stale copy."""
    return {
        "source": str(source.resolve()),
        "files": {n: (source / n).stat().st_size for n in FILES},
        "version": 1,
    }


def prepared(source: Path, cache_root: Path | None = None) -> Path:
    """The folder with the fast ONNX copy of ``source`` (built on first use, ~10 s)."""
    folder = (cache_root or models_dir()) / PREPARED
    wanted = _stamp(source)
    stamp = folder / _STAMP
    if stamp.is_file():
        try:
            if json.loads(stamp.read_text(encoding="utf-8")) == wanted:
                return folder
        except (OSError, ValueError):
            pass
        log.info("rebuilding %s: made from another model", folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{PREPARED}-", dir=folder.parent))
    try:
        for part in (ENCODER, DECODER):
            _convert(source / f"{part}.ort", work / f"{part}.onnx", work)
        shutil.copyfile(source / TOKENIZER, work / TOKENIZER)
        (work / _STAMP).write_text(json.dumps(wanted), encoding="utf-8")
        work.chmod(0o755)  # mkdtemp makes it private; models/ is shared
        if folder.exists():
            shutil.rmtree(folder)
        work.rename(folder)
    except OSError as exc:
        raise EngineError(f"cannot write the prepared Moonshine model to {folder}: {exc}") from None
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
    log.info("prepared %s from %s", folder, source)
    return folder


def _convert(ort_file: Path, onnx_file: Path, scratch: Path) -> None:
    """ORT format -> ONNX with constant weights computed once."""
    try:
        import onnx
        import onnxruntime as ort
        from onnx import numpy_helper
    except ImportError:
        raise EngineError("onnx and onnxruntime are needed for Moonshine", _INSTALL_HINT) from None
    plain = scratch / f"{ort_file.stem}.plain.onnx"
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
    options.optimized_model_filepath = str(plain)
    options.log_severity_level = 3
    try:
        ort.InferenceSession(str(ort_file), options, providers=["CPUExecutionProvider"])
        model = onnx.load(str(plain))
    except Exception as exc:  # onnxruntime raises its own exception types
        raise EngineError(
            f"cannot read the Moonshine model {ort_file}: {exc}", _INSTALL_HINT
        ) from None
    _fold_constants(model.graph, numpy_helper)
    _name_subgraphs(model.graph, "main")
    onnx.save(model, str(onnx_file))
    plain.unlink()


_FOLDABLE = {"Cast", "Mul", "Add", "Sub"}


def _fold_constants(graph: Any, numpy_helper: Any) -> None:
    """Replace top-level Cast/Mul/Add/Sub nodes whose inputs are all constants by their value."""
    import numpy as np
    from onnx import helper

    values: dict[str, Any] = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    folded: dict[str, Any] = {}
    kept = []
    for node in graph.node:
        if node.op_type not in _FOLDABLE or not all(name in values for name in node.input):
            kept.append(node)
            continue
        inputs = [values[name] for name in node.input]
        if node.op_type == "Cast":
            to = next(a.i for a in node.attribute if a.name == "to")
            out = inputs[0].astype(helper.tensor_dtype_to_np_dtype(to))
        elif node.op_type == "Mul":
            out = inputs[0] * inputs[1]
        elif node.op_type == "Add":
            out = inputs[0] + inputs[1]
        else:
            out = inputs[0] - inputs[1]
        values[node.output[0]] = folded[node.output[0]] = out
    used = {o.name for o in graph.output}
    for name in _names_read(kept):
        used.add(name)
    initializers = [i for i in graph.initializer if i.name in used]
    initializers += [
        numpy_helper.from_array(np.ascontiguousarray(v), k) for k, v in folded.items() if k in used
    ]
    del graph.node[:]
    graph.node.extend(kept)
    del graph.initializer[:]
    graph.initializer.extend(initializers)


def _names_read(nodes: Iterable[Any]) -> set[str]:
    """Every tensor name the nodes (and their subgraphs) read."""
    from onnx import AttributeProto

    names: set[str] = set()
    for node in nodes:
        names.update(node.input)
        for attr in node.attribute:
            if attr.type == AttributeProto.GRAPH:
                names |= _names_read(attr.g.node)
    return names


def _name_subgraphs(graph: Any, name: str) -> None:
    """onnxruntime writes If-branches without names, which onnx then refuses to load."""
    from onnx import AttributeProto

    if not graph.name:
        graph.name = name
    for node in graph.node:
        for attr in node.attribute:
            if attr.type == AttributeProto.GRAPH:
                _name_subgraphs(attr.g, f"{name}_{node.name}_{attr.name}")


class Tokenizer:
    """Moonshine's byte-fallback BPE, read from the wheel's ``tokenizer.bin``.

    That file is the vocabulary only (a length byte, then the piece's UTF-8,
    per token, in id order). SentencePiece BPE ranks merges by piece id, so
    encoding merges the adjacent pair whose joined piece has the lowest id
    until none is left; this reproduces the reference tokenizer (tests check
    the ids of the menu's words).
    """

    def __init__(self, pieces: Sequence[bytes]) -> None:
        self._pieces = list(pieces)
        # Ids 3-258 are the byte-fallback tokens <0x00>..<0xFF>, stored as the raw
        # byte: a character that is also a piece of its own must get that piece's id.
        self._ids: dict[bytes, int] = {}
        for i, piece in enumerate(self._pieces[_FIRST_PIECE:], start=_FIRST_PIECE):
            self._ids.setdefault(piece, i)
        self._byte_ids: list[int | None] = [
            _FIRST_BYTE + b if _FIRST_BYTE + b < _FIRST_PIECE else None for b in range(256)
        ]

    @classmethod
    def load(cls, path: Path) -> Tokenizer:
        data = path.read_bytes()
        pieces: list[bytes] = []
        i = 0
        while i < len(data):
            size = data[i]
            if i + 1 + size > len(data):
                raise EngineError(f"{path}: truncated at byte {i}", _INSTALL_HINT)
            pieces.append(data[i + 1 : i + 1 + size])
            i += 1 + size
        if len(pieces) <= _FIRST_PIECE:
            raise EngineError(
                f"{path}: only {len(pieces)} tokens, not a Moonshine vocabulary", _INSTALL_HINT
            )
        return cls(pieces)

    def __len__(self) -> int:
        return len(self._pieces)

    def encode(self, text: str) -> list[int]:
        """Token ids of ``text`` as the model writes it (no BOS/EOS)."""
        symbols = [c.encode("utf-8") for c in SPACE + text.replace(" ", SPACE)]
        while len(symbols) > 1:
            best: tuple[int, int] | None = None
            for k in range(len(symbols) - 1):
                rank = self._ids.get(symbols[k] + symbols[k + 1])
                if rank is not None and (best is None or rank < best[0]):
                    best = (rank, k)
            if best is None:
                break
            k = best[1]
            symbols[k : k + 2] = [symbols[k] + symbols[k + 1]]
        ids: list[int] = []
        for symbol in symbols:
            known = self._ids.get(symbol)
            if known is not None:
                ids.append(known)
                continue
            for byte in symbol:  # byte fallback
                fallback = self._byte_ids[byte]
                if fallback is None:
                    raise EngineError(f"the Moonshine vocabulary cannot spell {text!r}")
                ids.append(fallback)
        return ids

    def decode(self, ids: Iterable[int]) -> str:
        """Text of model output ids (BOS/EOS and other control tokens dropped)."""
        raw = b"".join(self._pieces[i] for i in ids if 2 < i < len(self._pieces))
        return raw.decode("utf-8", errors="replace").replace(SPACE, " ").strip()


@lru_cache(maxsize=2)
def tokenizer(folder: Path) -> Tokenizer:
    return Tokenizer.load(folder / TOKENIZER)
