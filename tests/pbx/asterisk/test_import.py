"""What ``ivr import`` makes of a dialplan: the menu document, line by line.

The fixtures are written from the Asterisk documentation; each construct of
the issue shows up here as the ivr construct it compiles to, with the source
line it came from.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ivr.errors import MenuError
from ivr.pbx.asterisk import import_text, looks_like
from tests.pbx.asterisk.helpers import FIXTURES, document, imported, imported_text


def test_the_patterns_fixture_compiles_to_the_expected_menu() -> None:
    text = (FIXTURES / "patterns.conf").read_text(encoding="utf-8")
    expected = (FIXTURES / "patterns.yaml").read_text(encoding="utf-8")
    # written from the same import; regenerate it when the document's form changes on purpose
    assert import_text(text, "patterns.conf").yaml_text == expected


def test_every_node_entry_pattern_rule_and_handler_names_its_source_line() -> None:
    lines = imported("acme.conf").yaml_text.splitlines()
    first = lines.index("services:")
    items = [
        i
        for i, line in enumerate(lines)
        if i > first
        and (
            re.match(r"^  [\w-]+:$", line)  # a node or a service
            or re.match(r'^        "[^"]+":$', line)  # an entry
            or re.match(r"^      - ", line)  # a pattern, rule or handler
        )
    ]
    assert len(items) > 25
    uncommented = [
        lines[i] for i in items if not re.match(r"^\s*# .+acme\.conf:\d+$", lines[i - 1])
    ]
    assert uncommented == []


def test_the_start_says_the_welcome_once_then_waits_at_the_menu() -> None:
    doc = document(imported("acme.conf"))
    start = doc["nodes"][doc["start"]]
    assert start["branch"] == [
        {"otherwise": True, "say": "thank you for calling acme", "set": {"INVALID": "0"},
         "goto": "acme-main"},
    ]  # fmt: skip
    assert doc["variables"] == {"OPERATOR": "PJSIP/100", "SALES_QUEUE": "sales"}


def test_background_and_waitexten_make_a_node_with_the_timeouts_set_on_the_way() -> None:
    node = document(imported("acme.conf"))["nodes"]["acme-main"]
    assert node["prompt"] == "press 1 for sales press 2 for support"  # both files, in order
    assert node["settings"] == {
        "no_input_timeout": 8,  # WaitExten() waits TIMEOUT(response)
        "inter_digit_timeout": 3,  # TIMEOUT(digit)
        "barge_in": True,  # Background: a key cuts it short
    }


def test_a_contexts_extensions_are_early_entries_and_patterns_in_asterisks_order() -> None:
    collect = document(imported("acme.conf"))["nodes"]["acme-main"]["collect"]
    assert (collect["early"], collect["terminator"], collect["min_digits"]) == (True, "none", 1)
    assert list(collect["entries"]) == ["1", "2", "0", "411", "112", "113"]  # 112, 113 included
    assert [p["match"] for p in collect["patterns"]] == ["_2XXX", "_9NXXXXXX"]
    assert collect["max_digits"] == 8
    patterns = document(imported("patterns.conf"))["nodes"]["dial"]["collect"]["patterns"]
    assert [p["match"] for p in patterns] == [
        "_7XXX", "_8!", "_[15-7]0", "_NXXXXXX", "_Z", "_X.",
    ]  # fmt: skip


def test_destinations_are_kept_as_written_their_digits_when_known() -> None:
    services = document(imported("acme.conf"))["services"]
    targets = {s["target"]: s.get("number") for s in services.values()}
    assert targets["Dial(PJSIP/${EXTEN},20)"] is None  # filled in when the call routes
    assert targets["Dial(PJSIP/trunk/${EXTEN:1})"] is None
    assert targets["Dial(${OPERATOR},30)"] is None
    assert targets["Dial(PJSIP/112)"] == "112"
    assert targets["Queue(support)"] is None
    assert targets["VoiceMail(${DEPT}@default,u)"] is None


def test_i_and_t_are_the_handlers_of_the_node_and_a_counter_is_a_branch_on_it() -> None:
    nodes = document(imported("acme.conf"))["nodes"]
    main = nodes["acme-main"]
    assert main["on_no_input"] == [{"count": 1, "say": "are you still there", "goto": "acme-main"}]
    assert main["on_no_match"] == [
        {"count": 1, "set": {"INVALID": "${INVALID}+1"}, "goto": "acme-main_l39"}
    ]
    assert nodes["acme-main_l39"]["branch"] == [
        {"when": {"var": "INVALID", "op": ">=", "value": "3"}, "say": "vm goodbye",
         "do": "hangup"},
        {"otherwise": True, "say": "pbx invalid", "goto": "acme-main"},
    ]  # fmt: skip


def test_read_is_a_collect_into_its_variable_with_its_attempts_as_handlers() -> None:
    nodes = document(imported("acme.conf"))["nodes"]
    sales = nodes["acme-sales"]
    assert sales["collect"] == {
        "min_digits": 1, "max_digits": 1, "terminator": "#", "into": "CHOICE",
        "patterns": [{"match": "/^[0-9*]+$/", "goto": "acme-sales_l53"}],
    }  # fmt: skip
    assert sales["settings"] == {"no_input_timeout": 5, "inter_digit_timeout": 5}
    assert sales["on_no_input"] == [
        {"count": 1, "reprompt": True},
        {"count": 2, "set": {"CHOICE": ""}, "goto": "acme-main"},
    ]
    assert nodes["acme-sales_l53"]["branch"][0] == {
        "when": {"var": "CHOICE", "op": "=", "value": "1"},
        "route": "to_Queue_SALES_QUEUE_495b",
    }


def test_gosub_runs_the_subroutine_in_place_and_its_return_value_is_decided_at_import() -> None:
    nodes = document(imported("acme.conf"))["nodes"]
    assert nodes["acme-main"]["collect"]["entries"]["2"] == {
        "set": {"DEPT": "support"},  # Set(DEPT=${ARG1}) with the Gosub's argument
        "goto": "check-hours",
    }
    rules = nodes["check-hours"]["branch"]
    assert [r.get("when") for r in rules] == [{"days": "mon-fri", "time": "08:00-17:00"}, None]
    assert [r["route"] for r in rules] == [
        "to_Queue_support_d174",
        "to_VoiceMail_DEPT_default_u_9fae",
    ]


def test_autofallthrough_off_waits_for_a_key_after_the_last_priority() -> None:
    node = document(imported("fallthrough.conf"))["nodes"]["waits"]
    assert node["settings"]["no_input_timeout"] == 4  # TIMEOUT(response)
    assert node["on_no_input"] == [{"count": 1, "say": "vm goodbye", "do": "hangup"}]
    assert node["options"] == [{"key": "1", "route": "to_Queue_one_58b0"}]


def test_the_starts_are_the_contexts_with_an_s_extension_and_menu_picks_one() -> None:
    assert imported("acme.conf").starts == ("acme-main", "acme-sales", "check-hours")
    assert document(imported("acme.conf", "acme-sales"))["start"] == "acme-sales"
    assert (
        document(imported("fallthrough.conf", "hangs-up"))["nodes"]["hangs-up"]["options"][0][
            "route"
        ]
        == "to_Queue_two_fb45"
    )  # the template's extension


def test_an_unknown_start_names_the_file_and_the_contexts_to_choose_from() -> None:
    with pytest.raises(MenuError) as caught:
        imported("acme.conf", "nowhere")
    assert str(caught.value).endswith(
        "acme.conf:1:1: no context 'nowhere' in this dialplan "
        "(use one of: acme-main, acme-sales, check-hours)"
    )
    with pytest.raises(MenuError) as caught:
        imported("acme.conf", "acme-emergency")
    assert str(caught.value).endswith(
        "acme.conf:47:1: context 'acme-emergency' has no s extension to start a call at "
        "(use one of: acme-main, acme-sales, check-hours)"
    )


def test_a_dialplan_is_told_by_its_content() -> None:
    for name in ("acme.conf", "patterns.conf", "syntax.conf", "fallthrough.conf"):
        assert looks_like((FIXTURES / name).read_text(encoding="utf-8"))
    assert not looks_like("menu: x\nstart: main\n")
    assert not looks_like("<include><menu name='a'/></include>")
    assert not looks_like("[a]\nexten => s,1,Answer()\0")


def warnings(text: str, tmp_path: Path) -> list[str]:
    return [str(w).split(": warning: ")[1] for w in imported_text(text, tmp_path).warnings]


def test_what_cannot_be_simulated_is_a_warning_naming_it_and_what_happens_instead(
    tmp_path: Path,
) -> None:
    text = """\
[general]
extenpatternmatchnew=yes
[ivr]
include => later,09:00-17:00,mon-fri,*,*
ignorepat => 9
exten => s,1,AGI(lookup.agi)
 same => n,Macro(old)
 same => n,ExecIf($[1=1]?Playback(x))
 same => n,Set(CHANNEL(language)=nb)
 same => n,Set(WHO=${CALLERID(num)})
 same => n,Background(menu)
 same => n,WaitExten(5)
exten => 1/5551234,1,Hangup()
exten => 2,1,Dial(PJSIP/2)
 same => n,Playback(busy)
exten => 3,1,GotoIf($[${a} = ${b}]?4,1)
 same => n,GotoIfTime(*,*,1,jan?4,1)
 same => n,Goto(nowhere,s,1)
exten => 4,1,Read(X,beep,1,i)
 same => n,Return()
exten => 5,1,Background(other-menu,,,other)
 same => n,WaitExten()
[later]
[other]
exten => 6,1,Hangup()
"""
    assert warnings(text, tmp_path) == [
        "extenpatternmatchnew: the simulator matches patterns in the classic order "
        "(exact names, then the most specific pattern)",
        "include => later,09:00-17:00,mon-fri,*,*: the time condition is not simulated; "
        "the context is always included",
        "ignorepat => 9: not simulated; left out",
        "AGI: not simulated (it runs other code); the simulator skips it",
        "Macro: not simulated (it runs other code); the simulator skips it",
        "ExecIf: not simulated (it runs other code); the simulator skips it",
        "Set CHANNEL(language): the function is not simulated; skipped",
        "${CALLERID(num)}: the function is not simulated; left as text",
        "extension 1/5551234: caller ID matching is not simulated (the simulated caller has "
        "no number); the extension is left out",
        "Dial: the simulated call ends here, routed; line 15 and after run only when the "
        "call fails on the PBX",
        "GotoIf condition $[${a} = ${b}]: a comparison of two variables; takes the false branch",
        "GotoIfTime days of the month '1': not simulated; only times and weekdays count",
        "GotoIfTime months 'jan': not simulated; only times and weekdays count",
        "Goto(nowhere,s,1): no extension s in nowhere; hangs up",
        "Read option i: the tone beep is not played",
        "Return without a Gosub: Asterisk hangs up, and so does ivr",
        "Background context other: digits are matched there",
    ]
