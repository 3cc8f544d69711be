"""The prompt cache: one synthesis per distinct prompt, safe files, the right rate."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ivr.errors import IvrError
from ivr.tts.cache import PromptCache, default_cache_dir
from ivr.tts.speaker import TtsError, VoiceSettings
from tests.tts.tts_fakes import FakeSpeaker


def test_hit_reads_the_file_and_does_not_call_the_engine_again(
    fake_speaker: FakeSpeaker, tmp_path: Path
) -> None:
    cache = PromptCache(fake_speaker, tmp_path)
    first = cache.get("Press one.", VoiceSettings())
    second = cache.get("Press one.", VoiceSettings())
    assert len(fake_speaker.calls) == 1
    assert second.rate == first.rate
    assert np.max(np.abs(second.samples - first.samples)) < 1e-4


def test_hit_survives_a_new_cache_object_on_the_same_folder(
    fake_speaker: FakeSpeaker, tmp_path: Path
) -> None:
    PromptCache(fake_speaker, tmp_path).get("Press one.", VoiceSettings())
    PromptCache(fake_speaker, tmp_path).get("Press one.", VoiceSettings())
    assert len(fake_speaker.calls) == 1


@pytest.mark.parametrize(
    "other",
    [
        VoiceSettings(voice="gmq/nb"),
        VoiceSettings(rate=200),
        VoiceSettings(volume=0.5),
    ],
)
def test_any_change_of_voice_settings_misses(
    fake_speaker: FakeSpeaker, tmp_path: Path, other: VoiceSettings
) -> None:
    cache = PromptCache(fake_speaker, tmp_path)
    cache.get("Press one.", VoiceSettings())
    cache.get("Press one.", other)
    assert len(fake_speaker.calls) == 2


def test_changed_text_misses_but_extra_whitespace_hits(
    fake_speaker: FakeSpeaker, tmp_path: Path
) -> None:
    cache = PromptCache(fake_speaker, tmp_path)
    cache.get("Press one.", VoiceSettings())
    cache.get("  Press   one.\n", VoiceSettings())
    cache.get("Press two.", VoiceSettings())
    assert [text for text, _ in fake_speaker.calls] == ["Press one.", "Press two."]


def test_output_rate_is_resampled_and_cached_separately(
    fake_speaker: FakeSpeaker, tmp_path: Path
) -> None:
    cache = PromptCache(fake_speaker, tmp_path)
    native = cache.get("Press one.", VoiceSettings())
    phone = cache.get("Press one.", VoiceSettings(), rate=8000)
    phone_again = cache.get("Press one.", VoiceSettings(), rate=8000)
    assert native.rate == 22050
    assert phone.rate == phone_again.rate == 8000
    assert phone.seconds == pytest.approx(native.seconds, abs=0.001)
    assert len(fake_speaker.calls) == 2


def test_different_engines_never_share_entries(tmp_path: Path) -> None:
    class OtherEngine(FakeSpeaker):
        cache_tag = "other"

    first, second = FakeSpeaker(), OtherEngine()
    PromptCache(first, tmp_path).get("Hello.", VoiceSettings())
    PromptCache(second, tmp_path).get("Hello.", VoiceSettings())
    assert len(first.calls) == len(second.calls) == 1


def test_entries_are_wav_files_and_no_temporary_files_remain(
    fake_speaker: FakeSpeaker, tmp_path: Path
) -> None:
    cache = PromptCache(fake_speaker, tmp_path)
    for i in range(5):
        cache.get(f"Prompt {i}.", VoiceSettings())
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(files) == 5
    assert all(p.suffix == ".wav" and p.read_bytes()[:4] == b"RIFF" for p in files)


def test_damaged_entry_is_synthesized_again_and_repaired(
    fake_speaker: FakeSpeaker, tmp_path: Path
) -> None:
    cache = PromptCache(fake_speaker, tmp_path)
    cache.get("Press one.", VoiceSettings())
    entry = cache.path_for(cache.key("Press one.", VoiceSettings()))
    entry.write_bytes(b"garbage")
    audio = cache.get("Press one.", VoiceSettings())
    assert len(fake_speaker.calls) == 2
    assert len(audio.samples) > 0
    assert entry.read_bytes()[:4] == b"RIFF"


def test_cache_folder_that_is_a_file_still_returns_audio_and_warns(
    fake_speaker: FakeSpeaker, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    audio = PromptCache(fake_speaker, blocker).get("Hi.", VoiceSettings())
    assert len(audio.samples) > 0
    assert "cannot store prompt" in caplog.text


def test_engine_failure_propagates_as_tts_error_and_stores_nothing(tmp_path: Path) -> None:
    cache = PromptCache(FakeSpeaker(fail_on="boom"), tmp_path)
    with pytest.raises(TtsError):
        cache.get("boom", VoiceSettings())
    assert not any(tmp_path.rglob("*.wav"))


def test_nonpositive_rate_is_refused(fake_speaker: FakeSpeaker, tmp_path: Path) -> None:
    with pytest.raises(IvrError, match="positive"):
        PromptCache(fake_speaker, tmp_path).get("Hi.", VoiceSettings(), rate=0)


def test_default_folder_prefers_ivr_cache_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("IVR_CACHE_DIR", str(tmp_path / "mine"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "mine"


def test_default_folder_follows_xdg_cache_home(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("IVR_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "ivr" / "prompts"


def test_default_folder_ignores_relative_xdg_and_uses_home(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("IVR_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_cache_dir() == tmp_path / ".cache" / "ivr" / "prompts"


def test_default_cache_uses_the_default_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fake_speaker: FakeSpeaker
) -> None:
    monkeypatch.setenv("IVR_CACHE_DIR", str(tmp_path / "env"))
    PromptCache(fake_speaker).get("Hi.", VoiceSettings())
    assert len(list((tmp_path / "env").rglob("*.wav"))) == 1
