"""Bad and hostile VoiceXML files: each refused with FILE:LINE and what to do, never a
traceback, never an entity expanded or a file read."""

from __future__ import annotations

from pathlib import Path

import pytest

from ivr.cli.main import main
from ivr.errors import MenuError, MenuErrors
from ivr.pbx.voicexml import import_text, looks_like
from ivr.pbx.voicexml.xmltree import MAX_CHARS, MAX_DEPTH, MAX_ELEMENTS

HEAD = '<?xml version="1.0"?>\n<vxml version="2.1" xmlns="http://www.w3.org/2001/vxml">\n'
MENU = '<menu id="m"><prompt>Hi</prompt><choice dtmf="1" next="#m">again</choice></menu>\n'


def refused(text: str) -> str:
    with pytest.raises((MenuError, MenuErrors)) as info:
        import_text(text, "bad.vxml")
    return str(info.value)


def test_a_file_over_the_size_cap_is_refused_before_parsing() -> None:
    text = HEAD + "<!--" + "x" * MAX_CHARS + "-->" + MENU + "</vxml>"
    assert refused(text).startswith("bad.vxml:1:1: the file is ")
    assert "over the 5000000 a VoiceXML menu may have" in refused(text)


def test_elements_nested_past_the_depth_cap_are_refused_at_the_line_of_the_deepest() -> None:
    deep = "<form id='f'><block>\n" + "<if cond='true'>\n" * MAX_DEPTH + "</if>" * MAX_DEPTH
    message = refused(HEAD + deep + "</block></form></vxml>")
    assert f"elements nested more than {MAX_DEPTH} deep" in message
    assert message.startswith(f"bad.vxml:{MAX_DEPTH + 1}:")


def test_more_elements_than_the_cap_are_refused() -> None:
    text = HEAD + "<var name='v'/>\n" * (MAX_ELEMENTS + 1) + MENU + "</vxml>"
    message = refused(text)
    assert message.startswith(f"bad.vxml:{MAX_ELEMENTS + 2}:")
    assert f"more than {MAX_ELEMENTS} elements" in message


def test_a_billion_laughs_is_refused_without_expanding_an_entity() -> None:
    laughs = (
        '<?xml version="1.0"?>\n<!DOCTYPE vxml [\n<!ENTITY lol "lol">\n'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n]>\n'
        "<vxml>&lol2;</vxml>"
    )
    message = refused(laughs)
    assert message.startswith("bad.vxml:2:")
    assert message.endswith(
        "the DOCTYPE has an internal subset (entity and DTD declarations are not "
        "read) (remove the [...] part of <!DOCTYPE ...>)"
    )


def test_an_external_entity_is_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("do not read me")
    text = f'<?xml version="1.0"?>\n<!DOCTYPE vxml [<!ENTITY x SYSTEM "file://{secret}">]>\n<vxml>&x;</vxml>'
    message = refused(text)
    assert message.startswith("bad.vxml:2:")
    assert "do not read me" not in message


def test_an_undeclared_entity_is_not_well_formed() -> None:
    text = (
        '<?xml version="1.0"?>\n<!DOCTYPE vxml SYSTEM "http://example.com/x.dtd">\n<vxml>&x;</vxml>'
    )
    assert refused(text).startswith("bad.vxml:3:7: not well-formed XML: undefined entity")


def test_a_public_doctype_line_without_a_subset_is_read() -> None:
    text = (
        '<?xml version="1.0"?>\n<!DOCTYPE vxml PUBLIC "-//W3C//DTD VOICEXML 2.1//EN" '
        '"http://www.w3.org/TR/voicexml21/vxml.dtd">\n' + HEAD.split("\n", 1)[1] + MENU + "</vxml>"
    )
    assert import_text(text, "ok.vxml").starts == ("m",)


def test_binary_garbage_is_not_well_formed_xml_at_its_line() -> None:
    assert refused("\x00\x01\x02PK\x03\x04").startswith("bad.vxml:1:1: not well-formed XML")


def test_an_empty_file_says_what_a_voicexml_document_starts_with() -> None:
    assert refused("  \n") == (
        "bad.vxml:1:1: the file is empty (a VoiceXML document starts with <vxml ...>)"
    )


def test_text_that_was_not_utf8_is_named_at_its_line() -> None:
    raw = (HEAD + "<!-- caf\xe9 -->\n" + MENU + "</vxml>").encode("latin-1")
    text = raw.decode("utf-8", errors="surrogateescape")
    assert refused(text) == (
        "bad.vxml:3:1: the file is not valid UTF-8 (save it as UTF-8 (the encoding its XML "
        "declaration names is not used))"
    )


def test_a_root_other_than_vxml_is_refused() -> None:
    assert refused("<?xml version='1.0'?>\n<html/>").startswith(
        "bad.vxml:2:1: the root element is <html>, not <vxml>"
    )


def test_dialogs_that_goto_each_other_without_ever_listening_are_a_loop() -> None:
    text = HEAD + (
        '<form id="a"><block><goto next="#b"/></block></form>\n'
        '<form id="b"><block><prompt>Hi</prompt><goto next="#c"/></block></form>\n'
        '<form id="c"><block><goto next="#b"/></block></form>\n</vxml>'
    )
    assert refused(text) == (
        "bad.vxml:4:1: dialogs loop without ever waiting for the caller: b -> c -> b "
        "(add a field or menu to the loop, or end it with <exit/>)"
    )


def test_a_goto_to_a_dialog_the_document_lacks_lists_the_ones_it_has() -> None:
    text = HEAD + '<form id="a"><block><goto next="#nowhere"/></block></form>\n</vxml>'
    assert refused(text) == (
        "bad.vxml:3:21: goto to #nowhere: the document has no dialog 'nowhere' (dialogs here: a)"
    )


def test_a_timeout_that_is_not_a_time_designation_is_refused() -> None:
    text = HEAD + '<property name="timeout" value="soon"/>\n' + MENU + "</vxml>"
    assert refused(text) == (
        "bad.vxml:3:1: property timeout='soon' is not a time designation "
        '(write e.g. value="5s" or value="3000ms")'
    )


def test_a_menu_without_a_choice_is_refused() -> None:
    text = HEAD + '<menu id="m"><prompt>Hi</prompt></menu>\n</vxml>'
    assert refused(text).startswith("bad.vxml:3:1: menu 'm' has no choice a caller can make")


def test_two_dialogs_with_one_id_are_refused() -> None:
    assert refused(HEAD + MENU + MENU + "</vxml>").startswith(
        "bad.vxml:4:1: two dialogs have the id 'm'"
    )


def test_an_unknown_start_lists_the_dialogs_there_are() -> None:
    with pytest.raises(MenuError) as info:
        import_text(HEAD + MENU + "</vxml>", "ok.vxml", start="main")
    assert str(info.value) == (
        "ok.vxml:2:1: the document has no dialog 'main' to start at (use --menu with one of: m)"
    )


def test_the_cli_reports_a_hostile_file_in_one_line_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "laughs.vxml"
    path.write_text('<?xml version="1.0"?>\n<!DOCTYPE vxml [<!ENTITY a "aaaa">]>\n<vxml>&a;</vxml>')
    code = main(["import", str(path), "--out", str(tmp_path / "out.yaml")])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith(f"Error: {path}:2:")
    assert "the DOCTYPE has an internal subset" in err
    assert "Traceback" not in err and err.count("\n") == 1


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (HEAD, True),
        ("<!-- a comment -->\n<vxml version='2.0'>", True),
        ("<?xml version='1.0'?><v:vxml xmlns:v='http://www.w3.org/2001/vxml'>", True),
        ("<include><menu name='x'/></include>", False),
        ("[main]\nexten => s,1,Answer()", False),
        ("menu: x\nstart: main", False),
    ],
)
def test_content_detection_looks_for_a_vxml_root(head: str, expected: bool) -> None:
    assert looks_like(head) is expected


def test_a_field_name_that_is_no_variable_name_is_refused() -> None:
    text = HEAD + '<form id="f"><field name="a b" type="boolean"/></form>\n</vxml>'
    assert refused(text) == (
        "bad.vxml:3:14: field name 'a b' is not a variable name (use letters, digits and _, "
        "starting with a letter (it is an ECMAScript variable))"
    )


def test_a_transfer_without_a_destination_is_refused() -> None:
    text = HEAD + '<form id="f"><transfer name="t" dest=""/></form>\n</vxml>'
    assert refused(text) == ('bad.vxml:3:14: transfer has no destination (add dest="tel:+NUMBER")')


def test_keys_that_are_not_phone_keys_are_warned_about_and_not_used() -> None:
    text = HEAD + (
        '<menu id="m"><prompt>Hi</prompt><choice dtmf="A" next="#m">alpha</choice>'
        '<choice dtmf="2" next="#m">two</choice></menu>\n</vxml>'
    )
    result = import_text(text, "odd.vxml")
    assert [str(w) for w in result.warnings] == [
        "odd.vxml:3: warning: choice dtmf='A': not phone keys; no key"
    ]
