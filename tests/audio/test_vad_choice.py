"""Which detector decides end of speech, the fallback when the trained one cannot
run, and what either does with hostile input (nothing, NaN, the wrong rate)."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from ivr.audio.capture import Capture, SpeechStarted, Utterance
from ivr.audio.fakes import FakeInput
from ivr.audio.pcm import Audio, concat, silence
from ivr.audio.resample import resample
from ivr.audio.vad import (
    EnergyVad,
    SpeechDetector,
    SpeechEnd,
    VadConfig,
    VadEvent,
    VadKind,
    open_vad,
)
from ivr.errors import IvrError

RATE = 16000
Say = Callable[..., Audio]


def silero_runs() -> bool:
    from ivr.audio import silero_vad

    return silero_vad.unavailable(RATE) is None


needs_silero = pytest.mark.skipif(not silero_runs(), reason="the Silero VAD cannot run here")
BOTH = [VadKind.ENERGY, pytest.param(VadKind.SILERO, marks=needs_silero)]


@pytest.fixture
def no_silero_package(monkeypatch: pytest.MonkeyPatch) -> None:
    """As on a machine where ``pip install --no-deps silero-vad`` never ran."""
    monkeypatch.setitem(sys.modules, "silero_vad", None)


@pytest.fixture
def word(say: Say) -> Audio:
    return resample(say("operator"), RATE)


def feed_all(vad: SpeechDetector, audio: Audio, block: int = 320) -> list[VadEvent]:
    events: list[VadEvent] = []
    for start in range(0, len(audio.samples), block):
        events.extend(vad.feed(audio.samples[start : start + block]))
    return events + vad.flush()


# -- the choice ---------------------------------------------------------------


@needs_silero
def test_auto_takes_the_silero_vad_when_it_can_run_and_logs_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from ivr.audio.silero_vad import SileroVad

    with caplog.at_level(logging.INFO, logger="ivr.audio.vad"):
        vad = open_vad(RATE)
    assert isinstance(vad, SileroVad)
    [line] = [r.getMessage() for r in caplog.records if "end of speech" in r.getMessage()]
    assert line.startswith("end of speech: Silero VAD (silero-vad ")


def test_energy_can_be_forced_even_where_silero_runs() -> None:
    assert type(open_vad(RATE, kind=VadKind.ENERGY)) is EnergyVad


def test_auto_falls_back_to_energy_without_the_silero_package_and_says_why(
    no_silero_package: None, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="ivr.audio.vad"):
        vad = open_vad(RATE, VadConfig(trailing_silence=0.5))
    assert type(vad) is EnergyVad
    assert vad.config.trailing_silence == 0.5
    assert [r.getMessage() for r in caplog.records] == [
        "end of speech: energy VAD (the Silero VAD cannot run: silero-vad is not installed)"
    ]


def test_auto_falls_back_to_energy_without_onnxruntime(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "onnxruntime", None)
    from ivr.audio import silero_vad

    if silero_vad.model_path() is None:
        pytest.skip("silero-vad is not installed: nothing to fall back from")
    assert silero_vad.unavailable(RATE) == "onnxruntime is not installed"
    assert type(open_vad(RATE)) is EnergyVad


def test_forcing_silero_where_it_cannot_run_is_an_error_that_says_how_to_install_it(
    no_silero_package: None,
) -> None:
    with pytest.raises(IvrError) as caught:
        open_vad(RATE, kind=VadKind.SILERO)
    assert str(caught.value) == (
        "the Silero VAD cannot run here: silero-vad is not installed "
        "(install it with: pip install --no-deps silero-vad==6.2.3 "
        "(onnxruntime comes with ivr[neural]), or use --vad energy)"
    )


def test_a_rate_the_model_was_not_trained_for_falls_back_or_is_refused_when_forced() -> None:
    assert type(open_vad(44100)) is EnergyVad
    with pytest.raises(IvrError, match="8000 or 16000 Hz, not 44100"):
        open_vad(44100, kind=VadKind.SILERO)


@needs_silero
def test_a_broken_model_file_falls_back_under_auto(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from ivr.audio import silero_vad

    broken = tmp_path / "silero_vad.onnx"
    broken.write_bytes(b"not a model")
    monkeypatch.setattr(silero_vad, "model_path", lambda: broken)
    assert type(open_vad(RATE)) is EnergyVad
    with pytest.raises(IvrError, match="cannot load the Silero VAD model"):
        open_vad(RATE, kind=VadKind.SILERO)


# -- plugged into the capture and the live call --------------------------------


@pytest.mark.parametrize("kind", BOTH)
def test_the_capture_runs_the_detector_it_is_given(kind: VadKind, word: Audio) -> None:
    detector = open_vad(RATE, VadConfig(trailing_silence=0.5), kind)
    capture = Capture(FakeInput(concat([silence(0.5, RATE), word]), tail=1.5), detector=detector)
    events = list(capture.events())
    assert capture.vad is detector
    assert [type(e) for e in events if isinstance(e, SpeechStarted | Utterance)] == [
        SpeechStarted,
        Utterance,
    ]


def test_the_capture_refuses_a_detector_at_another_rate() -> None:
    with pytest.raises(ValueError, match="8000 Hz"):
        Capture(FakeInput(silence(1.0, RATE)), detector=EnergyVad(8000))


class _Recogniser:
    sample_rate = RATE


@pytest.mark.parametrize("kind", BOTH)
def test_the_live_call_listens_with_the_vad_its_options_name(
    kind: VadKind, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ivr.asr import recognizer
    from ivr.live import build
    from ivr.loader import load_menu_text
    from ivr.session import Session
    from tests.core.menus import TINY
    from tests.live.displays import ListDisplay

    monkeypatch.setattr(build, "SoundDeviceInput", lambda *a, **k: FakeInput(silence(1.0, RATE)))
    monkeypatch.setattr(recognizer, "open_recognizer", lambda engine, language="en": _Recogniser())
    options = build.LiveOptions(speak=False, vad=kind, trailing_silence=0.6)
    parts = build.build_live_call(Session(load_menu_text(TINY)), ListDisplay(), options)
    assert parts.listener is not None, parts.notes
    vad = parts.listener.capture.vad
    assert type(vad).__name__ == {"energy": "EnergyVad", "silero": "SileroVad"}[kind]
    assert vad.config.trailing_silence == 0.6  # type: ignore[attr-defined]


def test_ivr_run_with_a_silero_vad_that_cannot_run_is_an_error_not_a_lost_microphone(
    no_silero_package: None, capsys: pytest.CaptureFixture[str]
) -> None:
    from ivr.cli.main import main

    menu = Path(__file__).resolve().parents[2] / "menus" / "norway.yaml"
    assert main(["run", str(menu), "--vad", "silero"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[-1].startswith("Error: the Silero VAD cannot run here: silero-vad is not installed")


# -- hostile input ---------------------------------------------------------------


@pytest.mark.parametrize("kind", BOTH)
def test_empty_blocks_and_an_empty_flush_give_nothing(kind: VadKind) -> None:
    vad = open_vad(RATE, kind=kind)
    assert vad.feed(np.zeros(0, dtype=np.float32)) == []
    assert vad.feed(Audio(np.zeros(0, dtype=np.float32), RATE)) == []
    assert vad.flush() == []
    assert not vad.in_speech


@pytest.mark.parametrize("kind", BOTH)
def test_nan_and_infinite_samples_are_not_speech_and_do_not_deafen_the_detector(
    kind: VadKind, word: Audio, caplog: pytest.LogCaptureFixture
) -> None:
    vad = open_vad(RATE, VadConfig(trailing_silence=0.5), kind)
    broken = np.full(RATE, np.nan, dtype=np.float32)
    broken[::97] = np.inf
    with caplog.at_level(logging.WARNING):
        assert vad.feed(broken) == []
        assert vad.feed(broken) == []
    assert [r.getMessage() for r in caplog.records] == [
        "non-finite audio samples reached the VAD; treated as silence"
    ]
    events = feed_all(vad, concat([silence(0.5, RATE), word, silence(1.0, RATE)]))
    [utterance] = [e for e in events if isinstance(e, SpeechEnd)]
    assert np.isfinite(utterance.audio.samples).all()


@pytest.mark.parametrize("kind", BOTH)
def test_a_block_at_the_wrong_rate_is_refused(kind: VadKind) -> None:
    vad = open_vad(RATE, kind=kind)
    with pytest.raises(IvrError, match="VAD runs at 16000 Hz but got a 8000 Hz block"):
        vad.feed(silence(0.1, 8000))


@pytest.mark.parametrize("kind", BOTH)
def test_stereo_samples_are_refused(kind: VadKind) -> None:
    vad = open_vad(RATE, kind=kind)
    with pytest.raises(IvrError, match="mono"):
        vad.feed(np.zeros((320, 2), dtype=np.float32))


@pytest.mark.parametrize("kind", BOTH)
def test_integer_pcm_and_full_scale_garbage_do_not_crash_the_detector(kind: VadKind) -> None:
    vad = open_vad(RATE, kind=kind)
    rng = np.random.default_rng(5)
    vad.feed(rng.integers(-32768, 32767, RATE).astype(np.int16))  # type: ignore[arg-type]
    events = vad.feed(rng.choice([-1e6, 1e6], RATE).astype(np.float32)) + vad.flush()
    assert all(np.isfinite(e.audio.samples).all() for e in events if isinstance(e, SpeechEnd))


@pytest.mark.parametrize(
    ("rate", "threshold", "message"),
    [
        (22050, 0.5, "8000 or 16000 Hz, not 22050"),
        (0, 0.5, "8000 or 16000 Hz, not 0"),
        (RATE, 1.5, "threshold must be between 0 and 1"),
        (RATE, float("nan"), "threshold must be between 0 and 1"),
    ],
)
def test_the_silero_vad_refuses_settings_it_cannot_honour(
    rate: int, threshold: float, message: str
) -> None:
    from ivr.audio.silero_vad import SileroVad

    with pytest.raises(IvrError, match=message):
        SileroVad(rate, threshold=threshold)


@pytest.mark.parametrize("kind", BOTH)
def test_nan_settings_are_refused(kind: VadKind) -> None:
    with pytest.raises(IvrError, match="trailing_silence"):
        open_vad(RATE, VadConfig(trailing_silence=float("nan")), kind)
    with pytest.raises(IvrError, match="pre_roll"):
        open_vad(RATE, VadConfig(pre_roll=float("nan")), kind)


def test_ivr_vad_in_the_environment_says_what_auto_means(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IVR_VAD", "energy")
    assert isinstance(open_vad(RATE, None, VadKind.AUTO), EnergyVad)
    monkeypatch.setenv("IVR_VAD", "loud")
    with pytest.raises(IvrError) as info:
        open_vad(RATE, None, VadKind.AUTO)
    assert info.value.message == "IVR_VAD='loud' is not a VAD"
    assert isinstance(open_vad(RATE, None, VadKind.ENERGY), EnergyVad)  # asked for: no env
