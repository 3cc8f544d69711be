"""``ivr import`` and ``ivr export``: the shared front, and bad input of every kind.

Each format's own behaviour is tested in its folder; here, what every format
shares: telling files apart by content, one-line errors, and an export folder
that is written whole or not at all.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ivr.pbx.detect import MenuFormat, detect
from tests.core.test_cli import run_cli
from tests.pbx.test_constructs import FEATURES


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ('<?xml version="1.0"?>\n<vxml version="2.1"><form/></vxml>', MenuFormat.VOICEXML),
        ("<vxml:vxml xmlns:vxml='x'/>", MenuFormat.VOICEXML),
        ('<include>\n  <menu name="main" greet-long="x"/></include>', MenuFormat.FREESWITCH),
        ('<configuration name="ivr.conf"><menus><menu name="a"/>', MenuFormat.FREESWITCH),
        ("[globals]\nX=1\n[main]\nexten => s,1,Answer()\n", MenuFormat.ASTERISK),
        ("; dialplan\n[ivr]\nsame => n,Hangup()\n", MenuFormat.ASTERISK),
        ("menu: m\nstart: main\nnodes: {}\n", MenuFormat.YAML),
        ("menu: m  # [not a context]\nprompt: exten => s", MenuFormat.YAML),
        ("<notes>a menu</notes>", MenuFormat.YAML),
    ],
)
def test_a_file_is_told_apart_by_its_content(text: str, kind: MenuFormat) -> None:
    assert detect(text) is kind


def test_importing_an_ivr_menu_says_it_needs_no_import(
    capsys: pytest.CaptureFixture[str], norway_path: Path
) -> None:
    code, out, err = run_cli(capsys, "import", str(norway_path))
    assert code == 1 and out == ""
    assert err.strip() == (
        f"Error: {norway_path}: not a FreeSWITCH, Asterisk or VoiceXML menu (ivr import reads "
        "ivr.conf XML, extensions.conf and VoiceXML; an ivr YAML menu needs no import)"
    )


def test_a_pbx_file_that_is_not_utf8_is_refused_with_its_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "ivr.xml"
    path.write_bytes(b'<include>\n<menu name="m"\n greet-long="caf\xe9"/>\n</include>\n')
    code, _, err = run_cli(capsys, "import", str(path))
    assert code == 1
    assert err.strip() == f"Error: {path}:3: not UTF-8 text (byte 0xe9) (save the file as UTF-8)"


def test_a_huge_pbx_file_is_refused_before_it_is_read(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "extensions.conf"
    with path.open("w") as handle:
        handle.write("[main]\nexten => s,1,Answer()\n")
        handle.write("; padding\n" * 600_000)
    code, _, err = run_cli(capsys, "call", str(path), "--press", "1")
    assert code == 1
    assert "is too big for a menu (the limit is 5000000)" in err
    assert "Traceback" not in err


def test_menu_picks_a_yaml_node_to_start_at_and_names_the_choices_when_wrong(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "pbx.yaml"
    path.write_text(FEATURES)
    code, out, _ = run_cli(capsys, "call", str(path), "--menu", "sub", "--press", "1", "--json")
    assert code == 0 and '"target": "Queue(sales)"' in out
    code, _, err = run_cli(capsys, "paths", str(path), "--menu", "nowhere")
    assert code == 1
    assert err.strip() == (
        f"Error: {path}: no node 'nowhere' to start at (use one of ast, caught, main, read, "
        "sub, test)"
    )


def test_export_never_replaces_a_folder_it_did_not_write(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, norway_path: Path
) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    code, _, err = run_cli(
        capsys, "export", str(norway_path), "--to", "voicexml", "--out", str(out), "--no-sounds"
    )
    assert code == 1
    assert err.strip() == (
        f"Error: {out} exists and is not an ivr export (give --out a new or empty folder, or "
        "one an earlier ivr export wrote)"
    )
    assert (out / "notes.txt").read_text() == "keep me"


def test_export_refuses_a_language_the_menu_does_not_have(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, norway_path: Path
) -> None:
    code, _, err = run_cli(
        capsys, "export", str(norway_path), "--to", "asterisk", "--out", str(tmp_path / "x"),
        "--lang", "sv",
    )  # fmt: skip
    assert code == 1
    assert (
        err.strip() == "Error: --lang 'sv' is not one of this menu's languages (use one of en, nb)"
    )
    assert not (tmp_path / "x").exists()
