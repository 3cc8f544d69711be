"""Hostile and broken FreeSWITCH files: each is one located error, never a traceback.

The XML comes from outside, so DTDs, entity declarations and external
references are refused (billion laughs, XXE), and size, depth and element
count are capped before anything is built.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ivr.errors import MenuError, MenuErrors
from ivr.loader import load_menu_text
from ivr.pbx.freeswitch import import_text
from ivr.pbx.freeswitch.xmltree import MAX_BYTES, MAX_DEPTH, MAX_ELEMENTS

MENU = '<menu name="m" greet-long="say:Hi"><entry action="menu-top" digits="1"/></menu>'


def error_of(text: str, file: str = "bad.xml") -> MenuError:
    with pytest.raises(MenuError) as caught:
        import_text(text, file)
    return caught.value


def test_billion_laughs_is_refused_at_its_declaration() -> None:
    lol = (
        '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
        ' <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n]>\n'
        f"<include>{MENU}<x>&lol2;</x></include>\n"
    )
    error = error_of(lol)
    assert (error.where.file, error.where.line) == ("bad.xml", 2)
    assert "refused" in error.message and "DTD" in error.message
    assert "gigabytes" in (error.hint or "")


def test_external_entity_is_refused_without_reading_the_file() -> None:
    xxe = (
        '<?xml version="1.0"?>\n<!DOCTYPE m [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n'
        '<menu name="m" greet-long="&secret;"/>\n'
    )
    error = error_of(xxe)
    assert error.where.line == 2
    assert "refused" in error.message
    assert "root:" not in str(error)


def test_an_undeclared_entity_is_a_well_formedness_error_at_its_line() -> None:
    error = error_of(f"<include>\n{MENU}\n<x>&nbsp;</x>\n</include>")
    assert error.where.line == 3
    assert error.message.startswith("not well-formed XML: undefined entity")


def test_a_file_over_the_size_cap_is_refused_before_parsing() -> None:
    huge = "<include>" + "<!-- padding -->" * (MAX_BYTES // 16 + 1) + "</include>"
    error = error_of(huge)
    assert error.where.line == 1
    assert "over 5 MB" in error.message


def test_deep_nesting_is_refused_at_the_line_it_passes_the_cap() -> None:
    deep = "\n".join("<a>" for _ in range(MAX_DEPTH + 5)) + "\n" + "</a>" * (MAX_DEPTH + 5)
    error = error_of(deep)
    assert error.where.line == MAX_DEPTH + 1
    assert f"nested more than {MAX_DEPTH} deep" in error.message


def test_too_many_elements_are_refused() -> None:
    many = "<include>\n" + "<x/>\n" * (MAX_ELEMENTS + 1) + "</include>"
    error = error_of(many)
    assert f"more than {MAX_ELEMENTS} elements" in error.message
    assert error.where.line == MAX_ELEMENTS + 1


def test_binary_garbage_is_not_well_formed_at_line_one() -> None:
    error = error_of("\x00\x01\x02PK\x03\x04 garbage \xff\xfe")
    assert error.where.line == 1
    assert error.message.startswith("not well-formed XML")


def test_an_empty_file_says_what_a_menu_file_holds() -> None:
    error = error_of("  \n\n")
    assert error.message == "the file is empty"
    assert "<menu name=" in (error.hint or "")


def test_text_that_is_not_utf8_is_reported_at_its_line() -> None:
    raw = f"<include>\n<!-- caf\xe9 -->\n{MENU}\n</include>".encode("latin-1")
    error = error_of(raw.decode("utf-8", "surrogateescape"))
    assert error.where.line == 2
    assert "not UTF-8" in error.message
    assert "save the file as UTF-8" in (error.hint or "")


def test_a_declared_windows_1252_file_is_decoded_as_it_says() -> None:
    text = (
        '<?xml version="1.0" encoding="Windows-1252"?>\n<include>\n'
        '<menu name="caf\xe9" greet-long="say:Caf\xe9 du monde">'
        '<entry action="menu-top" digits="1"/></menu></include>'
    )
    as_read = text.encode("cp1252").decode("utf-8", "surrogateescape")
    result = import_text(as_read, "cafe.xml")
    assert "Café du monde" in result.yaml_text
    assert result.starts == ("café",)


def test_a_file_without_menus_says_so() -> None:
    error = error_of('<configuration name="ivr.conf"><menus/></configuration>')
    assert error.message == "no <menu name=...> in this file"


def test_a_file_that_only_includes_others_points_at_them() -> None:
    text = (
        '<configuration name="ivr.conf">\n<menus>\n'
        '<X-PRE-PROCESS cmd="include" data="../ivr_menus/*.xml"/>\n</menus>\n</configuration>'
    )
    error = error_of(text)
    assert "../ivr_menus/*.xml" in (error.hint or "")


def test_menus_that_never_listen_and_call_each_other_are_refused() -> None:
    text = """<include>
<menu name="a" exec-on-max-failures="ivr b"/>
<menu name="b" exec-on-max-failures="ivr a"/>
<menu name="c" greet-long="say:I am fine"><entry action="menu-sub" digits="1" param="a"/></menu>
</include>"""
    with pytest.raises(MenuError) as caught:
        import_text(text, "loop.xml", "c")
    error = caught.value
    assert (error.where.file, error.where.line) == ("loop.xml", 2)
    assert "a -> b -> a never play a greeting or listen" in error.message
    assert error.hint == "give one of them a greet-long"


def test_every_refused_entry_is_reported_together_with_its_line() -> None:
    text = """<include>
<menu name="m" greet-long="say:Hi">
  <entry action="menu-jump" digits="1"/>
  <entry action="menu-top"/>
  <entry action="Menu-Top" digits="3"/>
  <entry digits="4"/>
</menu>
</include>"""
    with pytest.raises(MenuErrors) as caught:
        import_text(text, "m.xml")
    lines = [(e.where.line, e.message) for e in caught.value.errors]
    assert lines == [
        (3, "entry with action 'menu-jump': FreeSWITCH refuses to build menu 'm'"),
        (4, "entry without digits: FreeSWITCH refuses to build menu 'm'"),
        (5, "entry with action 'Menu-Top': FreeSWITCH refuses to build menu 'm'"),
        (6, "entry with no action: FreeSWITCH refuses to build menu 'm'"),
    ]


def check_imports_or_fails_located(text: str, file: str) -> None:
    """Either a menu the loader takes or errors at ``file``; nothing else may escape."""
    try:
        result = import_text(text, file)
    except MenuErrors as errors:
        assert all(e.where.file == file for e in errors.errors)
    except MenuError as error:
        assert error.where.file == file and error.where.line >= 1
    else:
        menu = load_menu_text(result.yaml_text, name=file)  # what imports always loads
        assert menu.start in menu.nodes


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('<>/="! -?amenuyrtdigs1#*&;x\n\x00é')), max_size=120))
def test_no_text_at_all_makes_a_python_exception_escape(text: str) -> None:
    check_imports_or_fails_located(text, "fuzz.xml")


VALUES = ["", "0", "-1", "abc", "2", "5000", "say:x", "phrase:y", "/^(1)$/", "ivr m", "*", "#"]
PARAMS = ["", "m", "n", "transfer $1 XML default", "hangup", "set x=1", "5000", "ivr n", "say:x"]
ACTION_NAMES = ["menu-sub", "menu-exec-app", "menu-play-sound", "menu-back", "menu-top",
                "menu-exit", "menu-bad"]  # fmt: skip
ATTRS = ["greet-long", "greet-short", "invalid-sound", "exit-sound", "timeout", "digit-len",
         "max-failures", "max-timeouts", "inter-digit-timeout", "exec-on-max-failures"]  # fmt: skip


@st.composite
def menu_files(draw: st.DrawFn) -> str:
    menus = []
    for name in ("m", "n"):
        attrs = draw(st.dictionaries(st.sampled_from(ATTRS), st.sampled_from(VALUES + PARAMS)))
        text = " ".join(f'{k}="{v}"' for k, v in attrs.items())
        entries = draw(
            st.lists(
                st.tuples(
                    st.sampled_from(ACTION_NAMES),
                    st.sampled_from(["1", "2", "12", "*", "#", "/^(1\\d)$/", "/x", "_1X"]),
                    st.sampled_from(PARAMS),
                ),
                max_size=4,
            )
        )
        body = "".join(f'<entry action="{a}" digits="{d}" param="{p}"/>' for a, d, p in entries)
        menus.append(f'<menu name="{name}" {text}>{body}</menu>')
    return "<include>" + "".join(menus) + "</include>"


@settings(max_examples=200, deadline=None)
@given(menu_files())
def test_any_combination_of_menu_attributes_and_entries_imports_or_fails_located(
    text: str,
) -> None:
    check_imports_or_fails_located(text, "menus.xml")
