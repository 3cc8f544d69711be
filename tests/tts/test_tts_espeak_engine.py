"""The real espeak-ng through pyttsx3: what comes out is usable telephone speech."""

from __future__ import annotations

import threading
import wave
from pathlib import Path

import numpy as np
import pytest

from ivr.audio.pcm import Audio, read_wav, write_wav
from ivr.tts.pyttsx3_speaker import NATIVE_RATE, Pyttsx3Speaker
from ivr.tts.speaker import UnknownVoiceError, VoiceSettings

pytestmark = pytest.mark.engine

SHORT = "Press one."
LONG = "Press one for sales, two for support, three for billing, or stay on the line."


def speech_seconds(audio: Audio, threshold_dbfs: float = -40.0) -> float:
    """Length from the first to the last 10 ms frame louder than the threshold."""
    frame = audio.rate // 100
    usable = len(audio.samples) // frame * frame
    frames = audio.samples[:usable].reshape(-1, frame).astype(np.float64)
    rms = np.sqrt(np.mean(frames**2, axis=1))
    loud = np.flatnonzero(rms > 10 ** (threshold_dbfs / 20))
    return 0.0 if len(loud) == 0 else (loud[-1] - loud[0] + 1) / 100.0


def test_speech_is_mono_16bit_at_22050_hz_in_a_valid_wav(
    real_speaker: Pyttsx3Speaker, tmp_path: Path
) -> None:
    audio = real_speaker.synthesize(SHORT, VoiceSettings())
    path = tmp_path / "say.wav"
    write_wav(path, audio)
    with wave.open(str(path), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, 22050)
        assert wav.getnframes() == len(audio.samples)
    assert audio.rate == NATIVE_RATE


def test_speech_is_loud_well_above_silence(real_speaker: Pyttsx3Speaker) -> None:
    audio = real_speaker.synthesize(SHORT, VoiceSettings())
    assert audio.rms_dbfs() > -35.0
    assert speech_seconds(audio) > 0.4


def test_longer_text_gives_longer_audio(real_speaker: Pyttsx3Speaker) -> None:
    short = real_speaker.synthesize(SHORT, VoiceSettings())
    long = real_speaker.synthesize(LONG, VoiceSettings())
    assert long.seconds > 3 * short.seconds


def test_faster_rate_gives_shorter_audio(real_speaker: Pyttsx3Speaker) -> None:
    slow = real_speaker.synthesize(LONG, VoiceSettings(rate=100))
    normal = real_speaker.synthesize(LONG, VoiceSettings(rate=160))
    fast = real_speaker.synthesize(LONG, VoiceSettings(rate=300))
    assert slow.seconds > 1.3 * normal.seconds > 1.3 * 1.3 * fast.seconds


def test_rate_takes_effect_on_every_utterance_even_when_alternating(
    real_speaker: Pyttsx3Speaker,
) -> None:
    # setProperty('rate') lagged behind here; the inline command must not.
    lengths = {
        rate: [real_speaker.synthesize(LONG, VoiceSettings(rate=rate)).seconds for _ in range(3)]
        for rate in (90, 300)
    }
    for _ in range(3):
        for rate in (90, 300):
            lengths[rate].append(real_speaker.synthesize(LONG, VoiceSettings(rate=rate)).seconds)
    assert min(lengths[90]) > 2 * max(lengths[300])


def test_norwegian_bokmal_voice_speaks_and_differs_from_english(
    real_speaker: Pyttsx3Speaker,
) -> None:
    text = "Trykk en for salg, to for kundeservice."
    nb = real_speaker.synthesize(text, VoiceSettings(voice="gmq/nb"))
    en = real_speaker.synthesize(text, VoiceSettings(voice="gmw/en"))
    assert nb.rms_dbfs() > -35.0
    assert speech_seconds(nb) > 1.0
    assert abs(nb.seconds - en.seconds) > 0.05 or not np.array_equal(nb.samples, en.samples)


def test_voice_list_has_english_and_norwegian_bokmal(real_speaker: Pyttsx3Speaker) -> None:
    voices = {v.id: v for v in real_speaker.voices()}
    assert voices["gmw/en"].languages == ("en-gb",)
    assert voices["gmq/nb"].languages == ("nb",)
    assert len(voices) > 50


def test_variant_is_accepted_and_changes_the_voice(real_speaker: Pyttsx3Speaker) -> None:
    assert "f3" in real_speaker.variants()
    plain = real_speaker.synthesize(LONG, VoiceSettings(voice="gmw/en-us"))
    female = real_speaker.synthesize(LONG, VoiceSettings(voice="gmw/en-us+f3"))
    assert female.rms_dbfs() > -35.0
    assert len(plain.samples) != len(female.samples) or not np.array_equal(
        plain.samples, female.samples
    )


def test_unknown_voice_error_names_the_voice_and_how_to_list_voices(
    real_speaker: Pyttsx3Speaker,
) -> None:
    with pytest.raises(UnknownVoiceError) as info:
        real_speaker.synthesize(SHORT, VoiceSettings(voice="english-usa"))
    message = str(info.value)
    assert "unknown voice 'english-usa'" in message
    assert "ivr voices" in message


def test_volume_half_is_six_db_quieter(real_speaker: Pyttsx3Speaker) -> None:
    full = real_speaker.synthesize(LONG, VoiceSettings(volume=1.0))
    half = real_speaker.synthesize(LONG, VoiceSettings(volume=0.5))
    assert half.rms_dbfs() == pytest.approx(full.rms_dbfs() - 6.0, abs=1.0)


def test_nothing_is_printed_on_stdout(
    real_speaker: Pyttsx3Speaker, capfd: pytest.CaptureFixture[str]
) -> None:
    real_speaker.synthesize(SHORT, VoiceSettings())
    out, _err = capfd.readouterr()
    assert "Audio saved" not in out
    assert out == ""


def test_concurrent_use_from_threads_is_serialised_and_all_succeed(
    real_speaker: Pyttsx3Speaker,
) -> None:
    results: dict[int, float] = {}
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            voice = "gmq/nb" if i % 2 else "gmw/en"
            results[i] = real_speaker.synthesize(
                f"Prompt number {i}.", VoiceSettings(voice)
            ).seconds
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    assert sorted(results) == list(range(8))
    assert all(seconds > 0.5 for seconds in results.values())


def test_many_utterances_in_a_row_all_produce_audio(real_speaker: Pyttsx3Speaker) -> None:
    lengths = [
        len(real_speaker.synthesize(f"Option {i}.", VoiceSettings()).samples) for i in range(100)
    ]
    assert min(lengths) > 0.3 * NATIVE_RATE


def test_audio_survives_a_wav_round_trip_unchanged(
    real_speaker: Pyttsx3Speaker, tmp_path: Path
) -> None:
    audio = real_speaker.synthesize(SHORT, VoiceSettings())
    write_wav(tmp_path / "a.wav", audio)
    again = read_wav(tmp_path / "a.wav")
    assert np.max(np.abs(again.samples - audio.samples)) < 1e-4


def test_ivr_say_writes_real_speech_to_a_wav_file(
    real_speaker: Pyttsx3Speaker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ivr.cli.main as cli_main

    monkeypatch.setattr(cli_main, "COMMAND_MODULES", ("ivr.cli.cmd_say",))
    out = tmp_path / "nb.wav"
    assert cli_main.main(["say", "Trykk en.", "--lang", "nb", "--out", str(out)]) == 0
    with wave.open(str(out), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, 22050)
    assert read_wav(out).rms_dbfs() > -35.0


def test_ivr_voices_lists_the_real_norwegian_voice(
    real_speaker: Pyttsx3Speaker,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import ivr.cli.main as cli_main

    monkeypatch.setattr(cli_main, "COMMAND_MODULES", ("ivr.cli.cmd_voices",))
    assert cli_main.main(["voices", "--lang", "nb"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines[1:]] == ["gmq/nb"]
