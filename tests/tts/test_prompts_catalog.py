"""The prompt catalogue lists everything a menu can say, and ``ivr prompts`` renders it."""

from __future__ import annotations

import json
import wave
from pathlib import Path

import pytest

from ivr.cli.main import main
from ivr.loader import load_menu, load_menu_text
from ivr.prompts_catalog import iter_menu_prompts
from tests.core.menus import TINY


def test_catalogue_covers_prompts_announcements_and_messages_in_every_language(
    norway_path: Path,
) -> None:
    menu = load_menu(norway_path)
    prompts = list(iter_menu_prompts(menu))
    ids = {(p.id, p.lang) for p in prompts}
    for lang in ("en", "nb"):
        assert ("node.main.prompt", lang) in ids
        assert ("node.emergency.short_prompt", lang) in ids
        assert ("info.health_info.4", lang) in ids
        assert ("confirm.cmd.operator", lang) in ids
        assert ("message.no_match", lang) in ids
        for service in menu.services:
            assert (f"route.{service}", lang) in ids
    dental = next(p for p in prompts if p.id == "info.health_info.4" and p.lang == "en")
    assert "free for children up to the age of 18" in dental.text
    announce = next(p for p in prompts if p.id == "route.legevakt" and p.lang == "nb")
    assert announce.text == "Du blir satt over til legevakten på 1 1 6 1 1 7."


def test_default_announcement_fills_in_service_and_number() -> None:
    prompts = {p.id: p.text for p in iter_menu_prompts(load_menu_text(TINY))}
    assert prompts["route.fire"] == "Connecting you to Fire on 110."
    assert prompts["route.info_line"] == "Putting you through to the info line."


@pytest.mark.engine
def test_ivr_prompts_renders_a_menu_with_real_espeak(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("pyttsx3")
    menu = tmp_path / "tiny.yaml"
    menu.write_text(TINY)
    out = tmp_path / "out"
    code = main(["prompts", str(menu), "--out", str(out), "--cache-dir", str(tmp_path / "c")])
    assert code == 0, capsys.readouterr().err
    index = json.loads((out / "index.json").read_text())
    entries = index["prompts"]
    assert {e["id"] for e in entries} >= {"node.main.prompt", "route.police", "message.goodbye"}
    for entry in entries:
        with wave.open(str(out / entry["file"])) as wav:
            assert wav.getframerate() == 8000 and wav.getnchannels() == 1
            assert wav.getsampwidth() == 2 and wav.getnframes() > 800
