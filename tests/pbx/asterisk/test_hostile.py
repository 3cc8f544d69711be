"""Hostile and broken dialplans: each is refused with its file, line and what to do,
quickly and without a traceback, however it tries to make the importer work."""

from __future__ import annotations

from pathlib import Path

import pytest

from ivr.errors import MenuError, MenuErrors
from ivr.pbx.asterisk import import_text
from tests.core.test_cli import run_cli


def refused(text: str, tmp_path: Path, name: str = "extensions.conf") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises((MenuError, MenuErrors)) as caught:
        import_text(text, str(path))
    return str(caught.value).replace(str(tmp_path) + "/", "")


def test_an_empty_file_has_no_context(tmp_path: Path) -> None:
    assert refused("", tmp_path) == (
        "extensions.conf:1:1: no dialplan context in this file "
        "(an extensions.conf has [context] sections with exten => lines)"
    )


def test_binary_data_is_refused_at_its_line(tmp_path: Path) -> None:
    assert refused("[ivr]\nexten => s,1,Answer()\n\0\x01\x02garbage", tmp_path) == (
        "extensions.conf:3:1: the file holds binary data (a NUL byte), not dialplan text "
        "(give an extensions.conf saved as text)"
    )


def test_a_huge_dialplan_is_refused(tmp_path: Path) -> None:
    text = "[ivr]\n" + "; padding padding padding padding\n" * 160_000
    assert refused(text, tmp_path) == (
        "extensions.conf:1:1: the dialplan is larger than 5 MB "
        "(import the contexts the menu needs, not a whole PBX configuration)"
    )


def test_a_file_that_includes_itself_is_refused(tmp_path: Path) -> None:
    assert refused("[ivr]\n#include extensions.conf\n", tmp_path) == (
        "extensions.conf:2:1: #include extensions.conf includes itself "
        "(remove the circular #include)"
    )


def test_includes_nested_too_deep_are_refused(tmp_path: Path) -> None:
    for level in range(12):
        (tmp_path / f"level{level}.conf").write_text(f"#include level{level + 1}.conf\n")
    (tmp_path / "level12.conf").write_text("exten => s,1,Hangup()\n")
    message = refused("[ivr]\n#include level0.conf\n", tmp_path)
    assert message.endswith("#include nested deeper than 8 files (flatten the includes)")
    assert message.startswith("level7.conf:1:1:")


def test_an_include_bomb_stops_at_the_size_cap(tmp_path: Path) -> None:
    """Each file includes the next sixteen times: 16**6 copies of the last if followed."""
    for level in range(6):
        (tmp_path / f"b{level}.conf").write_text(f"#include b{level + 1}.conf\n" * 16)
    (tmp_path / "b6.conf").write_text("; " + "x" * 1000 + "\n")
    assert "the dialplan gets larger than 5 MB" in refused("[ivr]\n#include b0.conf\n", tmp_path)


def test_an_included_file_that_is_not_utf8_is_refused_at_the_include(tmp_path: Path) -> None:
    (tmp_path / "latin.conf").write_bytes(b"exten => s,1,Playback(caf\xe9)\n")
    assert refused("[ivr]\n#include latin.conf\n", tmp_path).startswith(
        "extensions.conf:2:1: #include "
    )


def test_a_branch_loop_that_never_prompts_is_an_error_at_its_gotoif(tmp_path: Path) -> None:
    text = (
        "[ivr]\n"
        "exten => s,1(top),Set(N=$[${N}+1])\n"
        " same => n,GotoIf($[${N} > 1000000]?out:top)\n"
        " same => n(out),Hangup()\n"
    )
    assert refused(text, tmp_path) == (
        "extensions.conf:3:1: this branch loops back to itself without waiting for the caller "
        "(put a WaitExten, Read or Background in the loop)"
    )


def test_a_subroutine_that_calls_itself_is_refused(tmp_path: Path) -> None:
    text = "[ivr]\nexten => s,1,Gosub(sub,s,1)\n[sub]\nexten => s,1,Gosub(sub,s,1)\n"
    assert refused(text, tmp_path) == (
        "extensions.conf:4:1: Gosub nested deeper than 8 calls (a subroutine that calls "
        "itself?) (end the recursion with Return)"
    )


def test_subroutines_that_multiply_the_places_to_wait_are_capped(tmp_path: Path) -> None:
    """Eight levels of subroutines, each called from three places and waiting in
    between: inlined per call site that is 3**8 copies of everything below."""
    lines = ["[ivr]", "exten => s,1,Gosub(l0,s,1)", " same => n,Hangup()"]
    for level in range(8):
        lines += [
            f"[l{level}]",
            f"exten => s,1,Background(l{level}-a)",
            " same => n,WaitExten(1)",
            *[f" same => n,Gosub(l{level + 1},s,1)" if level < 7 else " same => n,NoOp()"] * 3,
            " same => n,Background(again)",
            " same => n,WaitExten(1)",
            " same => n,Return()",
            "exten => 1,1,Return()",
        ]
    message = refused("\n".join(lines) + "\n", tmp_path)
    assert "the dialplan unfolds into more than 2000 places a call can wait" in message


def test_the_cli_reports_a_hostile_file_on_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "extensions.conf"
    path.write_text("[ivr]\n#include extensions.conf\nexten => s,1,Hangup()\n")
    code, out, err = run_cli(capsys, "import", str(path))
    assert code == 1 and out == ""
    assert err.strip() == (
        f"Error: {path}:2:1: #include extensions.conf includes itself "
        "(remove the circular #include)"
    )
