from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pytest

from ivr.asr import models
from ivr.audio.pcm import Audio, write_wav
from ivr.cli import cmd_listen, cmd_models


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ivr")
    sub = parser.add_subparsers(dest="command")
    cmd_listen.register(sub)
    cmd_models.register(sub)
    return parser


def _spoken_wav(path: Path, text: str, voice: str, rate: int) -> Path:
    """``text`` spoken by espeak-ng into ``path``; skips the test without the engines."""
    pytest.importorskip("pocketsphinx")
    from ivr.asr.espeak_corpus import espeak_available, speak

    if not espeak_available():
        pytest.skip("espeak-ng absent")
    write_wav(path, speak(text, voice, rate))
    return path


def test_models_list_shows_every_known_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = _parser().parse_args(["models", "--dir", str(tmp_path), "list"])
    assert args.handler(args) == 0
    out = capsys.readouterr().out
    for info in models.KNOWN_MODELS:
        assert info.name in out


def test_models_path_prints_the_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = _parser().parse_args(["models", "--dir", str(tmp_path), "path"])
    assert args.handler(args) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path.resolve())


@pytest.mark.engine
def test_listen_json_one_line_per_file_and_exit_1_on_bad_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wav = _spoken_wav(tmp_path / "operator.wav", "operator", "en-us", 160)
    silent = tmp_path / "silent.wav"
    write_wav(silent, Audio(np.zeros(8000, np.float32), 16000))
    args = _parser().parse_args(
        ["listen", "--phrases", "fire,police,operator", "--engine", "pocketsphinx", "--json",
         str(wav), str(tmp_path / "missing.wav"), str(silent)]
    )  # fmt: skip
    assert args.handler(args) == 1
    captured = capsys.readouterr()
    lines = [json.loads(line) for line in captured.out.splitlines()]
    assert [r["file"] for r in lines] == [str(wav), str(silent)]
    assert lines[0]["text"] == "operator" and lines[0]["option"] is None
    assert set(lines[0]) == {"file", "text", "option", "confidence", "seconds", "elapsed"}
    assert "missing.wav" in captured.err


@pytest.mark.engine
def test_listen_with_a_menu_node_names_the_option_each_file_picks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil
    import subprocess

    from ivr.cli.main import main

    pytest.importorskip("pocketsphinx")
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    norway = Path(__file__).resolve().parents[2] / "menus" / "norway.yaml"
    files = []
    for word, voice in (("police", "en-us+m3"), ("ambulance", "en-us+f3")):
        path = tmp_path / f"{word}.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-w", str(path), word], check=True)
        files.append(str(path))
    code = main(["listen", *files, "--menu", str(norway), "--node", "emergency", "--json"])
    assert code == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["text"], r["option"]) for r in rows] == [
        ("police", "emergency.2"),
        ("ambulance", "emergency.1"),
    ]


def test_listen_with_an_unknown_node_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from ivr.cli.main import main

    norway = Path(__file__).resolve().parents[2] / "menus" / "norway.yaml"
    code = main(["listen", str(tmp_path / "x.wav"), "--menu", str(norway), "--node", "nowhere"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith(f"Error: {norway} has no node 'nowhere' (nodes: dial, doctor_now,")


@pytest.mark.engine
def test_listen_adapt_espeak_ng_recognises_with_the_adapted_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from ivr.asr.pocketsphinx_engine import PocketsphinxRecognizer
    from ivr.cli.main import main

    wav = _spoken_wav(tmp_path / "doctor.wav", "doctor", "en+f3", 200)
    built: list[str | None] = []
    original = PocketsphinxRecognizer.__init__

    def spy(self: PocketsphinxRecognizer, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)  # type: ignore[arg-type]
        built.append(self.adaptation)

    monkeypatch.setattr(PocketsphinxRecognizer, "__init__", spy)
    code = main(["listen", str(wav), "--phrases", "doctor,police,fire", "--engine",
                 "pocketsphinx", "--adapt", "espeak-ng", "--json"])  # fmt: skip
    assert code == 0
    assert built == ["espeak-ng"]
    assert json.loads(capsys.readouterr().out)["text"] == "doctor"


def test_listen_rejects_an_unknown_adaptation(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        _parser().parse_args(["listen", "x.wav", "--adapt", "robot"])
    assert info.value.code == 2
    assert "invalid choice: 'robot' (choose from 'espeak-ng')" in capsys.readouterr().err


NORWAY = Path(__file__).resolve().parents[2] / "menus" / "norway.yaml"


def _audio_call(capsys: pytest.CaptureFixture[str], menu: Path, *says: str) -> dict[str, object]:
    """``ivr call MENU --say ... --audio --json``; skips without espeak-ng."""
    from ivr.asr.espeak_corpus import espeak_available
    from ivr.cli.main import main

    if not espeak_available():
        pytest.skip("espeak-ng absent")
    steps = [arg for said in says for arg in ("--say", said)]
    assert main(["call", str(menu), *steps, "--audio", "--json"]) == 0
    result: dict[str, object] = json.loads(capsys.readouterr().out)
    return result


@pytest.mark.engine
def test_call_audio_routes_on_what_the_recogniser_heard(
    capsys: pytest.CaptureFixture[str],
) -> None:
    pytest.importorskip("pocketsphinx")
    result = _audio_call(capsys, NORWAY, "ambulance")
    assert (result["outcome"], result["route"]) == ("route", "113")
    heard = result["heard"]
    assert isinstance(heard, list) and len(heard) == 1
    assert {k: heard[0][k] for k in ("said", "heard", "confidence")} == {
        "said": "ambulance",
        "heard": "ambulance",
        "confidence": pytest.approx(0.6, abs=0.4),
    }
    # Spoken, a described emergency is either heard as said (a transcript, where the
    # node takes descriptions and a transcriber is installed) and goes to the fire
    # service, or forced onto no menu phrase and reprompted: never a route not heard.
    result = _audio_call(capsys, NORWAY, "I smell gas")
    heard = result["heard"]
    assert isinstance(heard, list) and heard[0]["said"] == "I smell gas"
    if heard[0].get("source") == "transcript":
        assert result["route"] in (None, "110")
    else:
        assert heard[0]["heard"] != "I smell gas"
        assert result["route"] is None and result["outcome"] == "waiting"


@pytest.mark.engine
def test_call_audio_listens_with_the_engine_the_menu_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("onnxruntime")
    from ivr.asr import moonshine_model

    if moonshine_model.find() is None:
        pytest.skip("moonshine-cpp not installed")
    menu = tmp_path / "norway.yaml"
    text = NORWAY.read_text(encoding="utf-8")
    assert "\nengine: auto\n" in text
    menu.write_text(text.replace("\nengine: auto\n", "\nengine: moonshine\n"), encoding="utf-8")
    result = _audio_call(capsys, menu, "ambulance")
    assert (result["outcome"], result["route"]) == ("route", "113")
    heard = result["heard"]
    assert isinstance(heard, list) and heard[0]["heard"] == "ambulance"


def test_call_audio_text_output_shows_said_and_heard(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from ivr.cli.main import main
    from ivr.scripted import audio

    def fake_hearing(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        return lambda said: ("police", 0.42)

    monkeypatch.setattr(audio, "make_audio_hearing", fake_hearing)
    assert main(["call", str(NORWAY), "--say", "please", "--audio"]) == 0
    out = capsys.readouterr().out
    assert "(audio) said 'please', heard 'police', confidence 0.42\n" in out
