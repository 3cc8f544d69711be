"""Rendering a menu's prompts: files at the phone rate, an index, never a half folder."""

from __future__ import annotations

import json
import wave
from pathlib import Path

import pytest

from ivr.errors import IvrError
from ivr.prompts_catalog import PromptText
from ivr.tts.cache import PromptCache
from ivr.tts.render import render_prompts
from ivr.tts.speaker import TtsError, VoiceSettings
from tests.tts.tts_fakes import FakeSpeaker

PROMPTS = [
    PromptText("main", "en", "Welcome. Press one for sales, two for support."),
    PromptText("main", "nb", "Velkommen. Trykk en for salg, to for kundeservice."),
    PromptText("main.reprompt", "en", "Sorry, I did not get that."),
    PromptText("sales/announce", "en", "Connecting you to sales."),
]


def render(speaker: FakeSpeaker, tmp_path: Path, prompts: list[PromptText] = PROMPTS) -> Path:
    cache = PromptCache(speaker, tmp_path / "cache")
    return render_prompts(prompts, cache, tmp_path / "out")


def test_writes_one_8khz_mono_16bit_wav_per_prompt_and_an_index(
    fake_speaker: FakeSpeaker, tmp_path: Path
) -> None:
    out = render(fake_speaker, tmp_path)
    index = json.loads((out / "index.json").read_text(encoding="utf-8"))
    assert index["rate"] == 8000
    entries = index["prompts"]
    assert [(e["id"], e["lang"]) for e in entries] == [(p.id, p.lang) for p in PROMPTS]
    for entry, prompt in zip(entries, PROMPTS, strict=True):
        assert entry["text"] == prompt.text
        with wave.open(str(out / entry["file"]), "rb") as wav:
            assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, 8000)
            assert entry["seconds"] == pytest.approx(wav.getnframes() / 8000, abs=0.001)
    assert {e["voice"] for e in entries if e["lang"] == "nb"} == {"gmq/nb"}
    assert {e["voice"] for e in entries if e["lang"] == "en"} == {"gmw/en"}


def test_ids_with_path_characters_become_safe_unique_file_names(
    fake_speaker: FakeSpeaker, tmp_path: Path
) -> None:
    prompts = [
        PromptText("a/b", "en", "one"),
        PromptText("a_b", "en", "two"),
        PromptText("../../etc", "en", "three"),
        PromptText("A_B", "en", "four"),
    ]
    out = render(fake_speaker, tmp_path, prompts)
    files = [e["file"] for e in json.loads((out / "index.json").read_text())["prompts"]]
    assert len({f.lower() for f in files}) == 4
    assert all(".." not in f and f.startswith("en/") for f in files)
    assert all((out / f).is_file() for f in files)


def test_other_rate_is_honoured(fake_speaker: FakeSpeaker, tmp_path: Path) -> None:
    cache = PromptCache(fake_speaker, tmp_path / "cache")
    out = render_prompts(PROMPTS[:1], cache, tmp_path / "out", rate=16000)
    with wave.open(str(out / "en" / "main.wav"), "rb") as wav:
        assert wav.getframerate() == 16000


def test_settings_for_language_are_used(fake_speaker: FakeSpeaker, tmp_path: Path) -> None:
    cache = PromptCache(fake_speaker, tmp_path / "cache")
    render_prompts(
        PROMPTS,
        cache,
        tmp_path / "out",
        settings_for_lang=lambda lang: VoiceSettings(
            "gmw/en-us" if lang == "en" else "gmq/nb", 200
        ),
    )
    assert {(s.voice, s.rate) for _, s in fake_speaker.calls} == {
        ("gmw/en-us", 200),
        ("gmq/nb", 200),
    }


def test_second_render_uses_the_cache_and_replaces_the_folder(
    fake_speaker: FakeSpeaker, tmp_path: Path
) -> None:
    render(fake_speaker, tmp_path)
    out = render(fake_speaker, tmp_path, PROMPTS[:2])
    assert len(fake_speaker.calls) == len(PROMPTS)
    files = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert files == ["en/main.wav", "index.json", "nb/main.wav"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out")]


def test_failure_midway_keeps_the_previous_render_intact_and_leaves_no_temp_folder(
    tmp_path: Path,
) -> None:
    out = render(FakeSpeaker(), tmp_path)
    before = (out / "index.json").read_text()
    failing = [*PROMPTS, PromptText("bad", "en", "boom")]
    with pytest.raises(TtsError):
        render(FakeSpeaker(fail_on="boom"), tmp_path, failing)
    assert (out / "index.json").read_text() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "out"]


def test_failure_on_first_render_leaves_no_output_folder(tmp_path: Path) -> None:
    with pytest.raises(TtsError):
        render(FakeSpeaker(fail_on="Sorry"), tmp_path)
    assert not (tmp_path / "out").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache"]


def test_refuses_to_replace_a_folder_it_did_not_write(
    fake_speaker: FakeSpeaker, tmp_path: Path
) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "thesis.docx").write_text("precious")
    with pytest.raises(IvrError, match="not written by 'ivr prompts'"):
        render(fake_speaker, tmp_path)
    assert (tmp_path / "out" / "thesis.docx").read_text() == "precious"
    assert fake_speaker.calls == []


def test_empty_existing_folder_is_fine(fake_speaker: FakeSpeaker, tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    out = render(fake_speaker, tmp_path)
    assert (out / "index.json").is_file()


def test_out_path_that_is_a_file_is_refused(fake_speaker: FakeSpeaker, tmp_path: Path) -> None:
    (tmp_path / "out").write_text("x")
    with pytest.raises(IvrError, match="not a folder"):
        render(fake_speaker, tmp_path)


def test_same_id_and_language_with_two_texts_is_refused(
    fake_speaker: FakeSpeaker, tmp_path: Path
) -> None:
    prompts = [PromptText("main", "en", "Hello."), PromptText("main", "en", "Goodbye.")]
    with pytest.raises(IvrError, match="two different texts"):
        render(fake_speaker, tmp_path, prompts)


def test_exact_duplicates_are_written_once(fake_speaker: FakeSpeaker, tmp_path: Path) -> None:
    out = render(fake_speaker, tmp_path, [PROMPTS[0], PROMPTS[0]])
    assert len(json.loads((out / "index.json").read_text())["prompts"]) == 1


def test_prompt_without_text_is_left_out(fake_speaker: FakeSpeaker, tmp_path: Path) -> None:
    out = render(fake_speaker, tmp_path, [PromptText("route", "en", "  "), PROMPTS[0]])
    entries = json.loads((out / "index.json").read_text())["prompts"]
    assert [e["id"] for e in entries] == ["main"]
    assert len(fake_speaker.calls) == 1


def test_empty_prompt_list_writes_an_empty_index(fake_speaker: FakeSpeaker, tmp_path: Path) -> None:
    out = render(fake_speaker, tmp_path, [])
    assert json.loads((out / "index.json").read_text())["prompts"] == []


@pytest.mark.engine
def test_real_engine_render_is_8khz_speech(real_speaker: object, tmp_path: Path) -> None:
    from ivr.audio.pcm import read_wav

    cache = PromptCache(real_speaker, tmp_path / "cache")  # type: ignore[arg-type]
    out = render_prompts(PROMPTS, cache, tmp_path / "out")
    entries = json.loads((out / "index.json").read_text())["prompts"]
    for entry in entries:
        audio = read_wav(out / entry["file"])
        assert audio.rate == 8000
        assert audio.rms_dbfs() > -35.0
        assert entry["seconds"] > 0.8
