"""FreeSWITCH's corner cases, compiled as ``switch_ivr_menu.c`` runs them, and the
warnings for everything the simulator runs differently."""

from __future__ import annotations

import re

from ivr.pbx.freeswitch.regex import split_slashes, whole_entry_regex
from tests.pbx.freeswitch.conftest import document, snippet, warnings_of


def node_of(menus: str, name: str = "m") -> dict[str, object]:
    node = document(snippet(menus))["nodes"][name]
    assert isinstance(node, dict)
    return node


def test_a_number_written_with_units_is_read_as_atoi_reads_it_with_a_warning() -> None:
    result = snippet(
        """
        <menu name="m" greet-long="say:Hi"
              timeout="8000ms">
          <entry action="menu-top" digits="1"/>
        </menu>"""
    )
    assert document(result)["nodes"]["m"]["settings"]["no_input_timeout"] == 8
    assert warnings_of(result) == [
        'menus.xml:4: warning: timeout="8000ms": not a whole number; FreeSWITCH reads it as 8000, '
        "and so does the simulator"
    ]


def test_an_attribute_freeswitch_does_not_read_is_named() -> None:
    result = snippet(
        '<menu name="m" greet_long="say:Hi" greet-long="say:Hi">'
        '<entry action="menu-top" digits="1"/></menu>'
    )
    assert warnings_of(result) == [
        "menus.xml:2: warning: attribute 'greet_long': FreeSWITCH ignores it, so does the simulator"
    ]


def test_inter_digit_timeout_defaults_to_half_the_timeout() -> None:
    node = node_of(
        '<menu name="m" greet-long="say:Hi" timeout="6000"><entry action="menu-top" digits="1"/>'
        "</menu>"
    )
    assert node["settings"] == {
        "no_input_timeout": 6,
        "inter_digit_timeout": 3,
        "max_no_input": 0,
        "max_no_match": 0,
    }


def test_a_menu_without_any_greeting_never_listens_and_leaves_after_its_failures() -> None:
    result = snippet('<menu name="m"><entry action="menu-top" digits="1"/></menu>')
    node = document(result)["nodes"]["m"]
    assert node == {"branch": [{"otherwise": True, "do": "exit"}]}
    assert "FreeSWITCH never listens there" in warnings_of(result)[0]


def test_regex_entries_without_digit_len_collect_nothing_and_repeat_the_greeting() -> None:
    result = snippet(
        '<menu name="m" greet-long="say:Long" greet-short="say:Short" max-failures="3">'
        '<entry action="menu-exec-app" digits="/^(1\\d\\d)$/" param="transfer $1"/></menu>'
    )
    node = document(result)["nodes"]["m"]
    assert node["prompt"] == "Long"
    assert node["branch"] == [{"otherwise": True, "do": "exit", "say": "Short Short"}]
    assert "FreeSWITCH collects no digits there" in warnings_of(result)[0]


def test_a_regex_entry_with_digit_len_is_searched_not_anchored() -> None:
    node = node_of(
        '<menu name="m" greet-long="say:Hi" digit-len="5">'
        '<entry action="menu-exec-app" digits="/10[01]/" param="transfer 9$0 XML default"/>'
        "</menu>"
    )
    match = node["collect"]["patterns"][0]["match"]  # type: ignore[index]
    regex = match[1:-1]
    assert re.fullmatch(regex, "51001") and re.fullmatch(regex, "100")
    assert not re.fullmatch(regex, "1200")


def test_an_entry_with_hash_makes_hash_a_digit_with_a_warning() -> None:
    result = snippet(
        '<menu name="m" greet-long="say:Hi" digit-len="2">'
        '<entry action="menu-top" digits="1#"/></menu>'
    )
    collect = document(result)["nodes"]["m"]["collect"]
    assert collect["terminator"] == "none"
    assert "FreeSWITCH takes # as a digit only while the greeting plays" in warnings_of(result)[0]


def test_digits_no_key_can_enter_are_dropped_but_still_lengthen_the_entry() -> None:
    result = snippet(
        '<menu name="m" greet-long="say:Hi">'
        '<entry action="menu-top" digits="_1XX"/><entry action="menu-top" digits="1"/></menu>'
    )
    node = document(result)["nodes"]["m"]
    assert node["collect"]["max_digits"] == 4
    assert list(node["collect"]["entries"]) == ["1"]
    assert "digits '_1XX': no key sequence can enter it" in warnings_of(result)[0]


def test_an_application_name_that_is_no_application_ends_the_ivr() -> None:
    result = snippet(
        '<menu name="m" greet-long="say:Hi" exit-sound="say:Bye">'
        '<entry action="menu-exec-app" digits="4" param="5000 XML default"/></menu>'
    )
    option = document(result)["nodes"]["m"]["options"][0]
    assert option == {"key": "4", "do": "hangup", "say": "Bye"}
    assert "did you mean 'transfer 5000 XML default'?" in warnings_of(result)[0]


def test_the_ivr_application_opens_the_named_menu_with_a_warning() -> None:
    result = snippet(
        """
        <menu name="m" greet-long="say:Hi">
          <entry action="menu-exec-app" digits="1" param="ivr other"/>
        </menu>
        <menu name="other" greet-long="say:Other"><entry action="menu-back" digits="*"/></menu>"""
    )
    doc = document(result)
    assert doc["nodes"]["m"]["options"][0] == {"key": "1", "goto": "other"}
    assert "ivr other: FreeSWITCH runs it as a new IVR" in warnings_of(result)[0]


def test_a_menu_sub_to_itself_goes_round_again() -> None:
    node = node_of(
        '<menu name="m" greet-long="say:Hi"><entry action="menu-sub" digits="9" param="m"/></menu>'
    )
    assert node["options"] == [{"key": "9", "do": "repeat"}]


def test_a_menu_sub_to_a_missing_menu_ends_the_ivr_with_a_warning() -> None:
    result = snippet(
        '<menu name="m" greet-long="say:Hi"><entry action="menu-sub" digits="9" param="gone"/>'
        "</menu>"
    )
    assert document(result)["nodes"]["m"]["options"] == [{"key": "9", "do": "hangup"}]
    assert "menu-sub 'gone': no such menu in this file" in warnings_of(result)[0]


def test_an_entry_after_one_that_left_the_menu_never_runs() -> None:
    result = snippet(
        """
        <menu name="m" greet-long="say:Hi">
          <entry action="menu-exec-app" digits="1" param="transfer 100 XML default"/>
          <entry action="menu-play-sound" digits="1" param="say:too late"/>
        </menu>"""
    )
    option = document(result)["nodes"]["m"]["options"][0]
    assert "say" not in option
    assert warnings_of(result) == [
        "menus.xml:5: warning: entry on '1' never runs: the call has left the menu by the "
        "entry at line 4"
    ]


def test_a_literal_and_a_regex_on_the_same_digits_are_named() -> None:
    result = snippet(
        """
        <menu name="m" greet-long="say:Hi" digit-len="4">
          <entry action="menu-top" digits="1000"/>
          <entry action="menu-exec-app" digits="/^(1\\d{3})$/" param="transfer $1 XML default"/>
        </menu>"""
    )
    assert "FreeSWITCH runs both in turn" in warnings_of(result)[0]


def test_exec_on_max_timeouts_with_a_sound_plays_it_then_leaves() -> None:
    node = node_of(
        '<menu name="m" greet-long="say:Hi" max-timeouts="1" '
        'exec-on-max-timeouts="playback say:Nobody there">'
        '<entry action="menu-top" digits="1"/></menu>'
    )
    assert node["on_no_input"] == [{"count": 1, "say": "Nobody there", "do": "exit"}]


def test_a_set_variable_with_a_bad_name_is_ignored_with_a_warning() -> None:
    result = snippet(
        '<menu name="m" greet-long="say:Hi"><entry action="menu-exec-app" digits="1" '
        'param="set sip_h_X-Dept=sales"/></menu>'
    )
    assert document(result)["nodes"]["m"]["options"][0] == {"key": "1", "do": "repeat"}
    assert "set 'sip_h_X-Dept': not a variable name" in warnings_of(result)[0]


def test_a_second_menu_of_the_same_name_is_ignored_as_freeswitch_does() -> None:
    result = snippet(
        """
        <menu name="m" greet-long="say:First"><entry action="menu-top" digits="1"/></menu>
        <menu name="m" greet-long="say:Second"><entry action="menu-top" digits="1"/></menu>"""
    )
    assert document(result)["nodes"]["m"]["prompt"] == "First"
    assert "second menu named 'm' (the first is at line 3)" in warnings_of(result)[0]


def test_a_channel_variable_in_a_target_is_named() -> None:
    result = snippet(
        '<menu name="m" greet-long="say:Hi"><entry action="menu-exec-app" digits="1" '
        'param="transfer ${caller_id_number} XML default"/></menu>'
    )
    assert "${caller_id_number}: a channel variable" in warnings_of(result)[0]


def test_phrase_macro_nomatch_break_and_nesting_are_followed() -> None:
    result = snippet(
        """
        <menu name="m" greet-long="phrase:outer:7"><entry action="menu-top" digits="1"/></menu>
        <macros>
          <macro name="outer">
            <input pattern="^(\\d)$">
              <match>
                <action function="speak-text" data="You have $1 messages."/>
                <action function="phrase" phrase="inner" data=""/>
                <action function="break"/>
                <action function="speak-text" data="never said"/>
              </match>
            </input>
          </macro>
          <macro name="inner">
            <input pattern="^x$">
              <nomatch><action function="play-file" data="voicemail/vm-goodbye.wav"/></nomatch>
            </input>
          </macro>
        </macros>"""
    )
    assert document(result)["nodes"]["m"]["prompt"] == "You have 7 messages. vm goodbye"


def test_a_phrase_that_plays_itself_stops_at_the_nesting_limit() -> None:
    node = node_of(
        """
        <menu name="m" greet-long="phrase:loop"><entry action="menu-top" digits="1"/></menu>
        <macro name="loop"><input><match>
          <action function="phrase" phrase="loop"/>
        </match></input></macro>"""
    )
    assert node["prompt"] == "loop"


def test_a_regex_without_its_closing_slash_never_matches_and_is_dropped() -> None:
    result = snippet(
        '<menu name="m" greet-long="say:Hi" digit-len="3">'
        '<entry action="menu-top" digits="/^1"/><entry action="menu-top" digits="1"/></menu>'
    )
    assert "no closing '/'" in warnings_of(result)[0]


def test_regex_flags_and_named_groups_are_read_as_pcre_reads_them() -> None:
    assert split_slashes("/^a(b)$/i") == ("^a(b)$", "i")
    assert split_slashes("/^ab") is None
    assert whole_entry_regex("^(?<ext>1\\d)$", "") == "^(?P<ext>1\\d)$"
    assert re.fullmatch(whole_entry_regex("^1|2$", ""), "32")
    assert whole_entry_regex("1", "i").startswith("(?i)")
    found = re.fullmatch(whole_entry_regex("(\\d+)", ""), "1234")
    assert found is not None and found.group(1) == "1234"


def test_confirm_macro_and_pin_are_named_as_not_simulated() -> None:
    result = snippet(
        '<menu name="m" greet-long="say:Hi" confirm-macro="confirm" pin="1234">'
        '<entry action="menu-top" digits="1"/></menu>'
    )
    texts = " ".join(warnings_of(result))
    assert "confirm-macro: the simulator does not ask" in texts
    assert "pin: the simulator does not ask for the PIN" in texts


def test_timeouts_outside_the_simulators_range_are_clamped_with_a_warning() -> None:
    result = snippet(
        '<menu name="m" greet-long="say:Hi" timeout="600000" inter-digit-timeout="100">'
        '<entry action="menu-top" digits="1"/></menu>'
    )
    settings = document(result)["nodes"]["m"]["settings"]
    assert (settings["no_input_timeout"], settings["inter_digit_timeout"]) == (120, 0.2)
    assert len(warnings_of(result)) == 2
