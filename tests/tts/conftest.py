"""Fakes and the real espeak-ng speaker for the text-to-speech tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from ivr.tts.speaker import EngineUnavailableError
from tests.tts.tts_fakes import FakeSpeaker

if TYPE_CHECKING:
    from ivr.tts.pyttsx3_speaker import Pyttsx3Speaker


@pytest.fixture
def fake_speaker() -> FakeSpeaker:
    return FakeSpeaker()


@pytest.fixture(scope="session")
def real_speaker() -> Iterator[Pyttsx3Speaker]:
    """The espeak-ng speaker; skipped only when pyttsx3 or libespeak-ng is not installed."""
    pytest.importorskip("pyttsx3", reason="pyttsx3 is not installed")
    from ivr.tts.pyttsx3_speaker import Pyttsx3Speaker

    speaker = Pyttsx3Speaker()
    try:
        speaker.voices()
    except EngineUnavailableError as exc:
        pytest.skip(f"espeak-ng is not available: {exc}")
    yield speaker
