"""The configuration syntax and the dialplan structure, as Asterisk reads them.

``main/config.c`` (comments, escapes, templates, #include) and
``pbx/pbx_config.c`` (exten/same, priorities, labels, include): what a line
means here must be what it means on the PBX, and a line the PBX refuses is an
error naming its file and line.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ivr.errors import MenuError, MenuErrors
from ivr.pbx.asterisk.compile import read_dialplan
from ivr.pbx.asterisk.config import read_config, strip_comments
from ivr.pbx.asterisk.dialplan import Dialplan
from tests.pbx.asterisk.helpers import FIXTURES


def syntax() -> Dialplan:
    path = FIXTURES / "syntax.conf"
    return read_dialplan(path.read_text(encoding="utf-8"), str(path))


def steps(plan: Dialplan, context: str, exten: str) -> list[tuple[int, str | None, str, str]]:
    found = plan.contexts[context].extensions[exten].steps
    return [(p, s.label, s.app, s.data) for p, s in sorted(found.items())]


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        ("exten => 1,1,NoOp(a) ; a comment", "exten => 1,1,NoOp(a) "),
        ("exten => 1,1,Playback(a\\;b)", "exten => 1,1,Playback(a;b)"),
        ("exten => 1,1,NoOp(x) ;-- inline --; ; rest", "exten => 1,1,NoOp(x)  "),
        ("a ;--- three dashes is a plain comment", "a "),
    ],
)
def test_comments_end_a_line_unless_escaped_and_block_comments_close_inline(
    line: str, kept: str
) -> None:
    assert strip_comments(line, 0) == (kept, 0)


def test_a_block_comment_spans_lines_and_hides_what_is_inside() -> None:
    assert strip_comments("[hidden] ;-- starts", 0) == ("[hidden] ", 1)
    assert strip_comments("exten => s,1,Hangup()", 1) == ("", 1)
    assert strip_comments("ends --; [shown]", 1) == (" [shown]", 0)


def test_a_template_is_no_context_and_a_context_built_on_it_gets_its_lines_first() -> None:
    plan = syntax()
    assert "menu-template" not in plan.contexts
    assert next(iter(plan.contexts["front"].extensions)) == "9"


def test_plus_adds_to_a_context_and_plus_equals_appends_to_a_global() -> None:
    plan = syntax()
    assert "4" in plan.contexts["front"].extensions
    assert plan.globals["GREETING"] == "custom/hello-world"


def test_an_included_file_is_read_in_place_with_its_own_file_and_line() -> None:
    step = syntax().contexts["front"].extensions["5"].steps[1]
    assert (Path(step.where.file).name, step.where.line) == ("syntax-more.conf", 2)
    assert step.app == "VoiceMail"


def test_n_counts_on_from_the_line_above_and_labels_hints_and_dashes_are_read() -> None:
    plan = syntax()
    assert steps(plan, "front", "3") == [(1, None, "NoOp", "first"), (2, None, "Set", "N=1")]
    assert steps(plan, "front", "s")[0] == (1, "start", "Background", "${GREETING}")
    assert steps(plan, "front", "2") == [(1, None, "Dial", "PJSIP/200")]  # the hint is no step
    assert "5551212" in plan.contexts["front"].extensions


def test_a_block_comment_hides_a_whole_context() -> None:
    assert "not-a-context" not in syntax().contexts


def errors(text: str, tmp_path: Path) -> list[str]:
    path = tmp_path / "extensions.conf"
    path.write_text(text, encoding="utf-8")
    with pytest.raises((MenuErrors, MenuError)) as caught:
        read_dialplan(text, str(path))
    problem = caught.value
    found = problem.errors if isinstance(problem, MenuErrors) else [problem]
    return [str(e).replace(str(path), "FILE") for e in found]


def test_every_line_asterisk_refuses_is_an_error_with_its_line(tmp_path: Path) -> None:
    text = (
        "exten => s,1,Answer()\n"  # 1: before any context
        "[ivr\n"  # 2
        "[ivr]\n"
        "same => n,Hangup()\n"  # 4: no exten above
        "exten => s,n,Answer()\n"  # 5: n on the first line
        "exten => s,1,Answer()\n"
        "exten => s,1,Hangup()\n"  # 7: priority 1 again
        "exten => 2,nowhere,Hangup()\n"  # 8: neither a number nor a label
        "just words\n"  # 9: no =
    )
    assert errors(text, tmp_path) == [
        "FILE:1:1: a line before any [context] (put it under a [context] header)",
        "FILE:2:1: '[ivr' has no closing ']' (write [name])",
        "FILE:4:1: same => has no exten => above it in this context",
        "FILE:5:1: priority 'n' on the first line of a context (start at 1)",
        "FILE:7:1: extension s priority 1 is already defined at line 6 "
        "(number the priorities apart, or use n)",
        "FILE:8:1: priority 'nowhere' is neither a number nor a label above it",
        "FILE:9:1: 'just words' has no '=' "
        "(write exten => NAME,PRIORITY,App(args) or name = value)",
    ]


def test_adding_to_or_inheriting_from_an_undefined_context_is_an_error(tmp_path: Path) -> None:
    assert errors("[a](+)\nexten => s,1,Hangup()\n[b](c)\n", tmp_path) == [
        "FILE:1:1: [a](+) adds to a category that is not defined above (define [a] first)",
        "FILE:2:1: a line before any [context] (put it under a [context] header)",
        "FILE:3:1: [b] inherits from 'c', which is not defined above (define [c](!) before it)",
    ]


def test_a_missing_include_file_is_an_error_and_a_missing_tryinclude_is_not(
    tmp_path: Path,
) -> None:
    assert errors("[a]\n#include nowhere.conf\nexten => s,1,Hangup()\n", tmp_path) == [
        "FILE:2:1: #include nowhere.conf: no such file next to this one "
        "(put it beside the dialplan, or use #tryinclude for an optional file)"
    ]
    config = read_config("[a]\n#tryinclude nowhere.conf\n", str(tmp_path / "x.conf"))
    assert config.errors == [] and config.warnings == []


def test_exec_is_never_run_and_says_so(tmp_path: Path) -> None:
    config = read_config("[a]\n#exec /bin/rm -rf /\n", str(tmp_path / "x.conf"))
    assert [str(w).split(": ", 1)[1] for w in config.warnings] == [
        "warning: #exec /bin/rm -rf /: programs are never run; its output is left out"
    ]


def test_a_line_longer_than_asterisks_buffer_is_skipped_with_a_warning(tmp_path: Path) -> None:
    config = read_config("[a]\nexten => s,1,NoOp(" + "x" * 9000 + ")\n", "x.conf")
    assert config.categories[0].lines == []
    assert str(config.warnings[0]) == (
        "x.conf:2: warning: line too long: Asterisk skips it, and so does the simulator"
    )
