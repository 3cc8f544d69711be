"""How the pyttsx3 adapter copes with the driver's known failures (scripted fake engine)."""

from __future__ import annotations

import logging
import sys
import types

import pytest

from ivr.errors import IvrError
from ivr.tts.pyttsx3_speaker import Pyttsx3Speaker, clean_text
from ivr.tts.speaker import TtsError, UnknownVoiceError, VoiceSettings
from tests.tts.tts_fakes import FakeEngine


def speaker_for(engine: FakeEngine, timeout: float = 0.2) -> Pyttsx3Speaker:
    return Pyttsx3Speaker(engine_factory=lambda: engine, timeout=timeout)


def test_rate_goes_inline_as_espeak_command_before_the_text() -> None:
    engine = FakeEngine()
    speaker_for(engine).synthesize("Press one.", VoiceSettings(rate=222))
    assert engine.saved_texts == ["\x01222S Press one."]


def test_one_utterance_per_run() -> None:
    engine = FakeEngine()  # the fake raises if two are queued for one run
    speaker = speaker_for(engine)
    for text in ["one", "two", "three"]:
        speaker.synthesize(text, VoiceSettings())
    assert engine.runs == 3


def test_missing_wav_is_retried_once_and_then_succeeds(caplog: pytest.LogCaptureFixture) -> None:
    engine = FakeEngine(["missing"])
    with caplog.at_level(logging.WARNING):
        audio = speaker_for(engine).synthesize("Press one.", VoiceSettings())
    assert engine.runs == 2
    assert audio.rate == 22050 and len(audio.samples) > 0
    assert "never written" in caplog.text


@pytest.mark.parametrize("failure", ["empty", "partial", "raise"])
def test_each_known_failure_is_retried(failure: str) -> None:
    engine = FakeEngine([failure])
    audio = speaker_for(engine).synthesize("Press two.", VoiceSettings())
    assert engine.runs == 2
    assert len(audio.samples) == 100 * len("\x01160S Press two.")


def test_two_failures_raise_tts_error_with_both_reasons() -> None:
    engine = FakeEngine(["missing", "empty"])
    with pytest.raises(TtsError) as info:
        speaker_for(engine).synthesize("Press three.", VoiceSettings())
    message = str(info.value)
    assert "'Press three.'" in message
    assert "never written" in message and "0 bytes" in message


def test_tts_error_is_an_ivr_error_so_the_cli_reports_it_in_one_line() -> None:
    assert issubclass(TtsError, IvrError)


def test_engine_stuck_in_its_loop_after_an_exception_recovers_for_later_calls() -> None:
    engine = FakeEngine(["raise", "raise"])
    speaker = speaker_for(engine)
    with pytest.raises(TtsError, match="synthesis blew up"):
        speaker.synthesize("first", VoiceSettings())
    audio = speaker.synthesize("second", VoiceSettings())
    assert len(audio.samples) > 0


def test_wav_written_without_finished_callback_is_still_used_after_the_wait() -> None:
    engine = FakeEngine(["silent-ok"])
    audio = speaker_for(engine, timeout=0.05).synthesize("hello", VoiceSettings())
    assert engine.runs == 1
    assert len(audio.samples) > 0


def test_voice_is_set_for_every_utterance_so_none_inherits_another_voice() -> None:
    engine = FakeEngine(["raise"])
    speaker = speaker_for(engine)
    for voice in ["gmq/nb", "gmw/en", "gmw/en"]:
        speaker.synthesize("hei", VoiceSettings(voice=voice))
    assert engine.voice_sets == ["gmq/nb", "gmq/nb", "gmw/en", "gmw/en"]


def test_unknown_voice_is_refused_before_the_engine_runs() -> None:
    engine = FakeEngine()
    with pytest.raises(UnknownVoiceError, match="gmw/en-us"):
        speaker_for(engine).synthesize("hi", VoiceSettings(voice="en-us"))
    assert engine.runs == 0


def test_volume_scales_the_samples() -> None:
    speaker = speaker_for(FakeEngine())
    loud = speaker.synthesize("hello", VoiceSettings(volume=1.0))
    soft = speaker.synthesize("hello", VoiceSettings(volume=0.5))
    assert soft.rms_dbfs() == pytest.approx(loud.rms_dbfs() - 6.02, abs=0.05)


def test_control_characters_cannot_smuggle_espeak_commands() -> None:
    engine = FakeEngine()
    speaker_for(engine).synthesize("Press\x01 450S one\n\tnow", VoiceSettings(rate=160))
    assert engine.saved_texts == ["\x01160S Press 450S one now"]


def test_empty_text_is_refused() -> None:
    engine = FakeEngine()
    with pytest.raises(IvrError, match="empty"):
        speaker_for(engine).synthesize(" \n\x01 ", VoiceSettings())
    assert engine.runs == 0


def test_clean_text_keeps_letters_of_every_script() -> None:
    assert clean_text("  Trykk  én,\tfor  blåbær  ") == "Trykk én, for blåbær"


def test_missing_pyttsx3_is_reported_with_the_pip_command(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ivr.tts import pyttsx3_speaker
    from ivr.tts.speaker import EngineUnavailableError

    monkeypatch.setitem(sys.modules, "pyttsx3", None)
    with pytest.raises(EngineUnavailableError) as info:
        pyttsx3_speaker._load_engine()
    assert "pip install 'pyttsx3==2.99'" in str(info.value)


def test_missing_espeak_library_is_reported_with_the_apt_command(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ivr.tts import pyttsx3_speaker
    from ivr.tts.speaker import EngineUnavailableError

    def init(driver: str) -> None:
        raise RuntimeError("This means you probably do not have eSpeak or eSpeak-ng installed!")

    monkeypatch.setitem(sys.modules, "pyttsx3", types.SimpleNamespace(init=init))
    with pytest.raises(EngineUnavailableError) as info:
        pyttsx3_speaker._load_engine()
    assert "apt-get install espeak-ng libespeak-ng1" in str(info.value)


def test_other_engine_start_failures_are_tts_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    from ivr.tts import pyttsx3_speaker
    from ivr.tts.speaker import EngineUnavailableError

    def init(driver: str) -> None:
        raise RuntimeError("could not initialize espeak")

    monkeypatch.setitem(sys.modules, "pyttsx3", types.SimpleNamespace(init=init))
    with pytest.raises(TtsError, match="could not initialize espeak") as info:
        pyttsx3_speaker._load_engine()
    assert not isinstance(info.value, EngineUnavailableError)
