"""``ivr new FILE``: an example menu and a call file that pass lint --strict and ivr test."""

from __future__ import annotations

from pathlib import Path

import pytest

from ivr.analysis import lint_file
from ivr.cli.cmd_new import calls_path, menu_id
from ivr.cli.main import main as ivr_main
from ivr.scripted.callfile import load_call_files
from ivr.scripted.runner import run_files


def _new(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = ivr_main(["new", str(path)])
    out, err = capsys.readouterr()
    return code, out, err


def test_new_writes_a_menu_and_calls_that_pass_lint_strict_and_ivr_test(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    menu = tmp_path / "menus" / "my clinic.yaml"
    code, out, err = _new(menu, capsys)
    calls = tmp_path / "menus" / "my clinic.calls.yaml"
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == (
        f"wrote {menu} (a menu to change into yours) and {calls} (9 calls that pass on it)"
    )
    report = lint_file(str(menu))
    assert report.ok(True), [f.line() for f in report.findings]
    assert ivr_main(["lint", str(menu), "--strict"]) == 0
    (result,) = run_files(load_call_files([str(calls)]))
    assert len(result.calls) == 9
    assert [c.name for c in result.calls if not c.ok] == []
    assert ivr_main(["test", str(tmp_path / "menus")]) == 0


def test_the_example_explains_itself_in_comments(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _new(tmp_path / "shop.yml", capsys)
    text = (tmp_path / "shop.yml").read_text(encoding="utf-8")
    comments = [line for line in text.splitlines() if "#" in line]
    assert len(comments) >= 15
    assert "`ivr test shop.calls.yaml`" in text and "menu: shop\n" in text
    assert 'menu: "shop.yml"' in (tmp_path / "shop.calls.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("existing", ["menu.yaml", "menu.calls.yaml"])
def test_new_never_overwrites(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], existing: str
) -> None:
    (tmp_path / existing).write_text("mine\n", encoding="utf-8")
    code, out, err = _new(tmp_path / "menu.yaml", capsys)
    assert (code, out) == (1, "")
    assert err == (
        f"Error: {tmp_path / existing} already exists (ivr new never overwrites: give another "
        "name, or move that file away)\n"
    )
    assert (tmp_path / existing).read_text(encoding="utf-8") == "mine\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [existing]  # nothing half-written


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("menu.txt", "{p} does not end in .yaml (e.g. ivr new menus/clinic.yaml)"),
        ("menu.calls.yaml", "{p} is a call file name (*.calls.yaml) (give the menu's name, "
         "e.g. menu.yaml; its call file is written beside it)"),
    ],
)  # fmt: skip
def test_a_name_that_is_not_a_menu_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, message: str
) -> None:
    code, _, err = _new(tmp_path / name, capsys)
    assert code == 1
    assert err == "Error: " + message.format(p=tmp_path / name) + "\n"
    assert list(tmp_path.iterdir()) == []


def test_names_beside_the_menu() -> None:
    assert calls_path(Path("a/clinic.yaml")) == Path("a/clinic.calls.yaml")
    assert calls_path(Path("b.yml")) == Path("b.calls.yaml")
    assert menu_id("my clinic") == "my_clinic"
    assert menu_id("2fa") == "menu_2fa"
    assert menu_id("***") == "menu"
