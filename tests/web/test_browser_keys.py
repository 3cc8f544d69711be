"""The page in a real browser (Debian's chromium): keypad, typed words, pickers, the tree,
the log download, and a screenshot of a call in progress.

Every wait is for a condition on the page, with a generous timeout; nothing here
measures time.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from ivr.cli import main as cli_main

from .conftest import ARTIFACTS, NORWAY

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed").expect

CURRENT = re.compile(r"\bcurrent\b")
VISITED = re.compile(r"\bvisited\b")
ROUTED = re.compile(r"\brouted\b")
NOON = "2026-11-23T12:00"
NIGHT = "2026-11-23T21:00"


def open_page(page: Any, url: str) -> None:
    page.goto(url)
    expect(page.locator("body")).to_have_attribute("data-ready", "1")


def greeted(page: Any) -> None:
    expect(page.locator("#transcript li.ivr").first).to_contain_text("Emergency and health line")


def test_a_keypad_call_to_113_routes_and_the_tree_follows(page: Any, norway_server: Any) -> None:
    open_page(page, norway_server.url)
    expect(page.locator("#outcome")).to_have_text("ready")
    page.click("#call")
    greeted(page)
    expect(page.locator("#outcome")).to_have_text("waiting")
    expect(page.locator("#diagram #node-main")).to_have_class(CURRENT)
    for key in "113":
        page.click(f'button[data-key="{key}"]')
    expect(page.locator("#outcome")).to_have_text("routed")
    expect(page.locator("#route")).to_have_text("113")
    expect(page.locator("#transcript li.caller")).to_have_text(["You pressed113"])
    expect(page.locator("#transcript li.ivr").last).to_contain_text("medical emergency line")
    expect(page.locator("#diagram #service-ambulance")).to_have_class(ROUTED)
    expect(page.locator("#call")).to_be_enabled()  # ready for the next call


def test_typed_words_route_a_call_to_110(page: Any, norway_server: Any) -> None:
    open_page(page, norway_server.url)
    page.click("#call")
    greeted(page)
    page.fill("#say", "my house is on fire")
    page.press("#say", "Enter")
    expect(page.locator("#route")).to_have_text("110")
    expect(page.locator("#transcript li.caller.say")).to_have_text(["You saidmy house is on fire"])
    expect(page.locator("#say")).to_have_value("")


def test_autocall_starts_a_call_and_the_keyboard_is_the_keypad(
    page: Any, norway_server: Any
) -> None:
    page.goto(norway_server.url + "?autocall=1&menu=0&lang=en")
    greeted(page)
    page.locator("#transcript").click()  # focus on the page, not in the text box
    for key in "112":
        page.keyboard.press(key)
    expect(page.locator("#route")).to_have_text("112")
    expect(page.locator("#outcome")).to_have_text("routed")


def test_at_21_00_key_2_goes_to_the_out_of_hours_doctor(page: Any, norway_server: Any) -> None:
    open_page(page, norway_server.url)
    page.fill("#at", NIGHT)
    page.click("#call")
    greeted(page)
    page.click('button[data-key="2"]')
    expect(page.locator("#route")).to_have_text("116 117")
    expect(page.locator("#diagram #service-legevakt")).to_have_class(ROUTED)


def test_by_day_key_2_moves_the_highlight_to_the_gp_node_and_hanging_up_ends_it(
    page: Any, norway_server: Any
) -> None:
    open_page(page, norway_server.url)
    page.fill("#at", NOON)
    page.click("#call")
    greeted(page)
    page.click('button[data-key="2"]')
    expect(page.locator("#diagram #node-gp_open")).to_have_class(CURRENT)
    expect(page.locator("#diagram #node-main")).to_have_class(VISITED)
    expect(page.locator("#diagram #node-gp_open")).to_be_in_viewport()
    expect(page.locator("#where")).to_have_text("at gp_open")
    page.click("#hangup")
    expect(page.locator("#outcome")).to_have_text("hung up")
    expect(page.locator("#transcript li.end")).to_have_text("The call ended (caller hung up)")
    expect(page.locator("#route")).to_have_text("")


def test_the_whole_tree_button_fits_the_drawing_in_its_panel(page: Any, norway_server: Any) -> None:
    open_page(page, norway_server.url)
    panel = page.locator("#diagram").bounding_box()
    close_up = page.locator("#diagram svg").bounding_box()
    assert close_up["width"] > panel["width"]  # Norway is far wider than the panel
    page.click("#diagram-fit")
    expect(page.locator("#diagram-fit")).to_have_attribute("aria-pressed", "true")
    whole = page.locator("#diagram svg").bounding_box()
    assert whole["width"] <= panel["width"] and whole["height"] <= panel["height"]


def test_the_language_picker_makes_the_call_and_the_tree_norwegian(
    page: Any, norway_server: Any
) -> None:
    open_page(page, norway_server.url)
    page.select_option("#lang", "nb")
    expect(page.locator("#diagram svg")).to_contain_text("medisinsk nødtelefon")
    page.click("#call")
    expect(page.locator("#transcript li.ivr").first).to_contain_text("Nød- og helsetelefonen")
    page.keyboard.press("1")
    page.keyboard.press("1")
    page.keyboard.press("0")
    expect(page.locator("#route")).to_have_text("110")


def test_the_downloaded_log_is_what_ivr_call_json_prints(
    page: Any, norway_server: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    open_page(page, norway_server.url)
    expect(page.locator("#download")).to_have_attribute("aria-disabled", "true")
    page.fill("#at", NIGHT)
    page.click("#call")
    greeted(page)
    page.click('button[data-key="2"]')
    expect(page.locator("#download")).to_have_attribute("aria-disabled", "false")
    with page.expect_download() as waiting:
        page.click("#download")
    download = waiting.value
    logged = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert download.suggested_filename.startswith("ivr-call-c")
    code = cli_main.main(["call", str(NORWAY), "--press", "2", "--at", NIGHT, "--json"])
    printed = json.loads(capsys.readouterr().out)
    assert code == 0

    def timeless(log: dict[str, Any]) -> dict[str, Any]:
        lines = [{k: v for k, v in line.items() if k != "at"} for line in log["transcript"]]
        return {**log, "transcript": lines}

    assert list(logged) == list(printed)
    assert timeless(logged) == timeless(printed)


def test_a_busy_server_is_shown_on_the_page_and_the_other_call_goes_on(
    browser: Any, page: Any, serve: Any
) -> None:
    server = serve(max_calls=1)
    page.goto(server.url + "?autocall=1")
    greeted(page)
    other = browser.new_page()
    try:
        other.goto(server.url + "?autocall=1")
        expect(other.locator("#transcript li.error")).to_have_text(
            "Call closed: server busy: 1 calls already", timeout=30_000
        )
        expect(other.locator("#outcome")).to_have_text("hung up")
    finally:
        other.close()
    page.keyboard.press("1")
    page.keyboard.press("1")
    page.keyboard.press("3")
    expect(page.locator("#route")).to_have_text("113")


def test_a_screenshot_of_a_call_in_progress(page: Any, norway_server: Any) -> None:
    """Saved for people to look at (tests/web/artifacts/serve-midcall.png); docs/serve.png
    is a copy of one, committed."""
    open_page(page, norway_server.url)
    page.fill("#at", NOON)
    page.click("#call")
    greeted(page)
    page.fill("#say", "I need a doctor")
    page.press("#say", "Enter")
    expect(page.locator("#diagram #node-gp_open")).to_have_class(CURRENT)
    expect(page.locator("#diagram #node-gp_open")).to_be_in_viewport(ratio=1.0)
    page.fill("#say", "it cannot wait")  # typing: the call is in progress, not over
    expect(page.locator("#outcome")).to_have_text("waiting")
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / "serve-midcall.png"
    page.screenshot(path=str(target))
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert target.stat().st_size > 20_000  # a page with a drawing, not a blank
