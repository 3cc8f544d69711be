"""The say, voices and prompts commands, run through ``ivr.cli.main`` with a fake engine."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import types
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import ivr.cli.main as cli_main
from ivr.audio.pcm import Audio
from ivr.cli import cmd_prompts, cmd_say, cmd_voices
from ivr.prompts_catalog import PromptText
from tests.tts.tts_fakes import FakeSpeaker

MY_COMMANDS = ("ivr.cli.cmd_say", "ivr.cli.cmd_voices", "ivr.cli.cmd_prompts")


@pytest.fixture
def speaker(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSpeaker]:
    fake = FakeSpeaker()
    monkeypatch.setattr(cli_main, "COMMAND_MODULES", MY_COMMANDS)
    for module in (cmd_say, cmd_voices, cmd_prompts):
        monkeypatch.setattr(module, "speaker_factory", lambda: fake)
    yield fake
    cmd_say.set_player(None)


def run(*argv: str) -> int:
    return cli_main.main(list(argv))


def test_say_writes_a_wav_and_reports_it(
    speaker: FakeSpeaker, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "hello.wav"
    assert run("say", "Hello there", "--voice", "gmq/nb", "--rate", "200", "--out", str(out)) == 0
    with wave.open(str(out), "rb") as wav:
        assert wav.getframerate() == 22050 and wav.getnframes() > 0
    assert speaker.calls[0][1].voice == "gmq/nb" and speaker.calls[0][1].rate == 200
    assert "hello.wav" in capsys.readouterr().out


def test_say_can_write_telephone_rate(speaker: FakeSpeaker, tmp_path: Path) -> None:
    out = tmp_path / "phone.wav"
    assert run("say", "Hello", "--sample-rate", "8000", "--out", str(out)) == 0
    with wave.open(str(out), "rb") as wav:
        assert wav.getframerate() == 8000


def test_say_uses_the_default_voice_of_the_language(speaker: FakeSpeaker, tmp_path: Path) -> None:
    run("say", "Hei", "--lang", "nb", "--out", str(tmp_path / "x.wav"))
    assert speaker.calls[0][1].voice == "gmq/nb"


def test_say_without_out_and_without_player_is_a_one_line_error(
    speaker: FakeSpeaker, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("say", "Hello") == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("Error: no audio output") and "--out" in err
    assert speaker.calls == []


def test_say_without_out_plays_through_the_installed_player(speaker: FakeSpeaker) -> None:
    played: list[Audio] = []
    cmd_say.set_player(played.append)
    assert run("say", "Hello") == 0
    assert len(played) == 1 and played[0].seconds > 0


def test_say_to_stdout_writes_only_wav_bytes(
    speaker: FakeSpeaker, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    assert run("say", "Hello", "--out", "-") == 0
    out = capsysbinary.readouterr().out
    assert out[:4] == b"RIFF" and out[8:12] == b"WAVE"


def test_say_bad_rate_is_a_one_line_error(
    speaker: FakeSpeaker, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert run("say", "Hello", "--rate", "5", "--out", str(tmp_path / "x.wav")) == 1
    assert "out of range" in capsys.readouterr().err


def test_say_unwritable_out_is_a_one_line_error(
    speaker: FakeSpeaker, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert run("say", "Hello", "--out", str(blocker / "x.wav")) == 1
    assert capsys.readouterr().err.startswith("Error: cannot write")


def test_voices_lists_id_languages_and_name(
    speaker: FakeSpeaker, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("voices") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["ID", "LANGUAGES", "NAME"]
    assert any(line.split()[:2] == ["gmq/nb", "nb"] and "Bokmål" in line for line in lines)
    assert len(lines) == 1 + len(speaker.voices())


def test_voices_filtered_by_language(
    speaker: FakeSpeaker, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("voices", "--lang", "en") == 0
    ids = [line.split()[0] for line in capsys.readouterr().out.splitlines()[1:]]
    assert ids == ["gmw/en", "gmw/en-us"]


def test_voices_for_unknown_language_is_an_error(
    speaker: FakeSpeaker, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("voices", "--lang", "xx") == 1
    assert "no voice speaks 'xx'" in capsys.readouterr().err


def prompts_args(menu: Path, out: Path, cache: Path, *extra: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    cmd_prompts.register(parser.add_subparsers())
    argv = ["prompts", str(menu), "--out", str(out), "--cache-dir", str(cache), *extra]
    return parser.parse_args(argv)


def test_prompts_renders_what_the_catalogue_yields(
    speaker: FakeSpeaker, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    loaded: list[Path] = []

    def load_menu(path: Path) -> Any:
        loaded.append(path)
        return "MENU"

    def iter_menu_prompts(menu: Any) -> list[PromptText]:
        assert menu == "MENU"
        return [PromptText("main", "en", "Hello."), PromptText("main", "nb", "Hei.")]

    args = prompts_args(
        tmp_path / "menu.yaml", tmp_path / "out", tmp_path / "cache", "--voice", "en=gmw/en-us"
    )
    code = cmd_prompts.handle(args, load_menu=load_menu, iter_menu_prompts=iter_menu_prompts)
    assert code == 0
    assert loaded == [tmp_path / "menu.yaml"]
    index = json.loads((tmp_path / "out" / "index.json").read_text())
    assert [(e["lang"], e["voice"]) for e in index["prompts"]] == [
        ("en", "gmw/en-us"),
        ("nb", "gmq/nb"),
    ]
    assert "rendered 2 prompts (en: 1, nb: 1;" in capsys.readouterr().out


def test_prompts_for_a_language_without_table_entry_uses_the_voice_list(
    speaker: FakeSpeaker, tmp_path: Path
) -> None:
    args = prompts_args(tmp_path / "m.yaml", tmp_path / "out", tmp_path / "cache")
    cmd_prompts.handle(
        args,
        load_menu=lambda path: None,
        iter_menu_prompts=lambda menu: [PromptText("main", "de", "Hallo.")],
    )
    assert speaker.calls[0][1].voice == "gmw/de"


def test_prompts_bad_voice_option_is_refused_before_loading(
    speaker: FakeSpeaker, tmp_path: Path
) -> None:
    from ivr.errors import IvrError

    def load_menu(path: Path) -> Any:
        raise AssertionError("must not load")

    args = prompts_args(tmp_path / "m.yaml", tmp_path / "o", tmp_path / "c", "--voice", "gmq/nb")
    with pytest.raises(IvrError, match="LANG=ID"):
        cmd_prompts.handle(args, load_menu=load_menu, iter_menu_prompts=lambda m: [])


def test_every_option_has_help_text() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    for module in (cmd_say, cmd_voices, cmd_prompts):
        module.register(sub)
    for name, command in sub.choices.items():
        for action in command._actions:
            assert action.help, f"{name} {action.dest} has no help"


def test_command_modules_load_without_numpy_or_pyttsx3() -> None:
    # main imports every command module for every command, keypad ones included.
    code = (
        "import sys, argparse\n"
        "sys.modules['numpy'] = None\n"
        "sys.modules['pyttsx3'] = None\n"
        "from ivr.cli import cmd_say, cmd_voices, cmd_prompts\n"
        "sub = argparse.ArgumentParser().add_subparsers()\n"
        "for m in (cmd_say, cmd_voices, cmd_prompts): m.register(sub)\n"
        "print(sorted(sub.choices))\n"
    )
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['prompts', 'say', 'voices']"


def test_prompts_use_the_menus_voices_unless_options_override(
    speaker: FakeSpeaker, tmp_path: Path
) -> None:
    menu = types.SimpleNamespace(
        voices={
            "en": types.SimpleNamespace(voice="gmw/en-us", rate=170, volume=0.8),
            "nb": types.SimpleNamespace(voice="gmq/nb", rate=150, volume=1.0),
        }
    )
    prompts = [PromptText("main", "en", "Hello."), PromptText("main", "nb", "Hei.")]

    def settings_used(*extra: str) -> list[tuple[str, int, float]]:
        speaker.calls.clear()
        out = tmp_path / f"out{len(extra)}"
        args = prompts_args(tmp_path / "m.yaml", out, tmp_path / f"cache{len(extra)}", *extra)
        cmd_prompts.handle(args, load_menu=lambda p: menu, iter_menu_prompts=lambda m: prompts)
        return [(s.voice, s.rate, s.volume) for _, s in speaker.calls]

    assert settings_used() == [("gmw/en-us", 170, 0.8), ("gmq/nb", 150, 1.0)]
    assert settings_used("--voice", "en=gmw/en", "--wpm", "200") == [
        ("gmw/en", 200, 0.8),
        ("gmq/nb", 200, 1.0),
    ]
