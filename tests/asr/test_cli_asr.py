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
    pytest.importorskip("pocketsphinx")
    from ivr.asr.espeak_corpus import espeak_available, speak

    if not espeak_available():
        pytest.skip("espeak-ng absent")
    wav = tmp_path / "operator.wav"
    write_wav(wav, speak("operator", "en-us", 160))
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
