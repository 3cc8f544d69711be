"""The ECMAScript subset and the SRGS grammars, each on its own; ``ivr import`` and a call
file on a VoiceXML document through the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

from ivr.cli.main import main
from ivr.pbx.voicexml import import_text, script
from ivr.pbx.voicexml.srgs import builtin, grammar
from ivr.pbx.voicexml.xmltree import parse

from .helpers import FIXTURES


@pytest.mark.parametrize(
    ("expr", "template"),
    [
        ("'tel:' + num", "tel:${num}"),
        ("'sip:' + queue + '@acme.example'", "sip:${queue}@acme.example"),
        ("tries + 1", "${tries}+1"),
        ("Number(tries) - 2", "${tries}-2"),
        ("application.greeting", "${greeting}"),
        ("'n' + tries + 1", "n${tries}1"),  # a string first: ECMAScript joins from there on
        ("'a' + 'b'", "ab"),
        ("3", "3"),
    ],
)
def test_string_joins_and_counters_become_ivr_templates(expr: str, template: str) -> None:
    assert script.template(script.parse(expr)) == template


@pytest.mark.parametrize(
    "expr", ["a + b", "foo(1)", "x$.utterance", "[1, 2]", "a ? b : c", "new Date()"]
)
def test_script_beyond_the_subset_is_unsupported(expr: str) -> None:
    with pytest.raises(script.Unsupported):
        script.template(script.parse(expr))


@pytest.mark.parametrize(
    ("cond", "env", "value"),
    [
        ("dept == 'billing'", {"dept": "billing"}, True),
        ("size == 's' || size == 'm'", {"size": "m"}, True),
        ("!(ext == '0000')", {"ext": "0000"}, False),
        ("n >= 10", {"n": "9"}, False),
        ("n == 9", {"n": "9"}, True),  # loose equality: text and number
        ("confirm", {"confirm": False}, False),
        ("x && y", {"x": "1", "y": ""}, False),
    ],
)
def test_conditions_are_decided_when_their_variables_are_known(
    cond: str, env: script.Env, value: bool
) -> None:
    assert script.truthy(script.evaluate(script.parse(cond), env)) is value


def test_a_condition_on_an_unknown_variable_waits_for_the_call() -> None:
    with pytest.raises(LookupError):
        script.evaluate(script.parse("queue == 'x'"), {})


def grammar_of(xml: str, dtmf: bool = False) -> list[tuple[str, str]]:
    root = parse(f'<vxml version="2.1">{xml}</vxml>', "g.vxml")
    heard = grammar(next(root.elements("grammar")), dtmf)
    return [(a.keys if a.dtmf else a.words, a.value) for a in heard.alts]


def test_an_srgs_one_of_gives_each_item_with_its_tag_value() -> None:
    xml = (
        '<grammar mode="dtmf" root="r"><rule id="r"><one-of>'
        "<item>1<tag>out='billing';</tag></item><item>2<tag>out=\"sales\"</tag></item>"
        "<item>3 4</item></one-of></rule></grammar>"
    )
    assert grammar_of(xml) == [("1", "billing"), ("2", "sales"), ("34", "3 4")]


def test_items_repeat_and_local_rules_are_expanded() -> None:
    xml = (
        '<grammar root="r"><rule id="r"><ruleref uri="#want"/><item repeat="0-1">please</item>'
        '</rule><rule id="want"><one-of><item>sales</item><item>buy</item></one-of></rule>'
        "</grammar>"
    )
    assert [w for w, _ in grammar_of(xml)] == ["sales", "sales please", "buy", "buy please"]


def test_an_unbounded_dtmf_grammar_becomes_a_pattern_with_its_lengths() -> None:
    root = parse(
        '<vxml><grammar mode="dtmf" root="r"><rule id="r"><item repeat="2-">'
        "<one-of><item>1</item><item>2</item></one-of></item><item>#</item></rule></grammar></vxml>",
        "g.vxml",
    )
    heard = grammar(next(root.elements("grammar")))
    assert heard.pattern is not None and heard.min_digits == 3
    assert heard.alts == []


@pytest.mark.parametrize(
    ("spec", "low", "high"),
    [
        ("digits?length=4", 4, 4),
        ("builtin:dtmf/digits?minlength=2;maxlength=5", 2, 5),
        ("date", 8, 8),
        ("time", 4, 4),
    ],
)
def test_builtin_digit_grammars_take_their_lengths(spec: str, low: int, high: int) -> None:
    heard = builtin(spec, 1)
    assert heard is not None and (heard.min_digits, heard.max_digits) == (low, high)


def test_builtin_boolean_is_1_for_yes_and_2_for_no() -> None:
    heard = builtin("boolean", 1)
    assert heard is not None
    assert [(a.keys if a.dtmf else a.words, a.value) for a in heard.alts] == [
        ("1", "true"),
        ("2", "false"),
        ("yes", "true"),
        ("no", "false"),
    ]


def test_ivr_import_writes_yaml_naming_the_source_line_of_every_node_and_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "acme.yaml"
    assert main(["import", str(FIXTURES / "acme.vxml"), "--out", str(out)]) == 0
    capsys.readouterr()
    text = out.read_text(encoding="utf-8")
    assert f"  # {FIXTURES / 'acme.vxml'}:23\n  main:\n" in text
    assert f'      # {FIXTURES / "acme.vxml"}:26\n      - key: "1"\n' in text


def test_a_call_file_can_name_the_voicexml_document_as_its_menu(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["test", str(FIXTURES / "acme.calls.yaml")])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "7 calls in 1 file: 7 passed, 0 failed" in out


def test_an_audio_without_fallback_text_speaks_the_words_an_export_indexed_for_it(
    tmp_path: Path,
) -> None:
    (tmp_path / "sounds").mkdir()
    (tmp_path / "sounds" / "index.json").write_text(
        '{"format": "ivr-sounds/1", "sounds": {"en_hi_1": {"text": "Hello there.", "lang": "en"}}}'
    )
    text = (
        '<vxml version="2.1"><menu id="m"><prompt><audio src="sounds/en_hi_1.wav"/> '
        '<audio src="prompts/press-one_for_sales.wav"/></prompt>'
        '<choice dtmf="1" next="#m">again</choice></menu></vxml>'
    )
    path = tmp_path / "menu.vxml"
    body = import_text(text, str(path)).yaml_text
    assert 'prompt: "Hello there. press one for sales"' in body
