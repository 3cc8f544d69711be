"""The fixture menus compiled to ivr documents: each FreeSWITCH construct becomes the
construct that runs it the same way, and names the line it came from."""

from __future__ import annotations

import re

import pytest

from ivr.errors import MenuError
from ivr.pbx.freeswitch import looks_like
from tests.pbx.freeswitch.conftest import (
    BARE,
    DEMO_STYLE,
    FEATURES,
    document,
    imported,
    warnings_of,
)


def test_every_menu_reachable_from_the_first_is_a_node_and_the_first_is_the_start() -> None:
    doc = document(imported(FEATURES))
    assert doc["start"] == "main"
    assert list(doc["nodes"]) == ["main", "sales", "support", "orders"]
    assert doc["languages"] == ["en"]


def test_the_menu_names_are_the_starts_a_caller_can_pick() -> None:
    assert imported(FEATURES).starts == ("main", "sales", "orders", "support")


def test_a_named_start_compiles_only_what_it_reaches() -> None:
    doc = document(imported(FEATURES, start="orders"))
    assert doc["start"] == "orders"
    assert list(doc["nodes"]) == ["orders"]


def test_an_unknown_start_lists_the_menus() -> None:
    with pytest.raises(MenuError) as caught:
        imported(FEATURES, start="billing")
    assert caught.value.message == "no menu named 'billing'"
    assert caught.value.hint == "the menus are: main, sales, orders, support"
    assert caught.value.where.file == str(FEATURES)


def test_every_node_and_entry_names_its_source_line() -> None:
    text = imported(FEATURES).yaml_text
    lines = text.splitlines()
    main = lines.index("  main:")
    assert lines[main - 1] == f"  # {FEATURES}:13"
    one = lines.index('        "1":')
    assert lines[one - 1] == f"        # {FEATURES}:24"
    regex = next(i for i, line in enumerate(lines) if "10[01][0-9]" in line)
    assert lines[regex - 1] == f"        # {FEATURES}:28"
    assert text.startswith("# Imported by ivr from the FreeSWITCH IVR file features.xml")


def test_digit_len_four_makes_a_collect_node_that_waits_for_hash_or_a_pause() -> None:
    main = document(imported(FEATURES))["nodes"]["main"]
    collect = main["collect"]
    assert (collect["max_digits"], collect["terminator"]) == (4, "#")
    assert "early" not in collect  # submit at 4 digits, # or the inter-digit pause
    assert main["settings"] == {
        "no_input_timeout": 10,
        "inter_digit_timeout": 2,
        "max_no_input": 0,
        "max_no_match": 0,
    }


def test_single_keys_without_patterns_are_options() -> None:
    sales = document(imported(FEATURES))["nodes"]["sales"]
    assert [o["key"] for o in sales["options"]] == ["1", "2", "*"]


def test_a_regex_entry_is_a_pattern_whose_capture_fills_the_target() -> None:
    doc = document(imported(FEATURES))
    pattern = doc["nodes"]["main"]["collect"]["patterns"][0]
    assert pattern["match"] == "/^(10[01][0-9])$/"
    service = doc["services"][pattern["route"]]
    assert service == {"name": "transfer ${1} XML features", "target": "transfer ${1} XML features"}


def test_transfer_sound_is_said_before_a_transfer_and_not_before_a_bridge() -> None:
    entries = document(imported(FEATURES))["nodes"]["main"]["collect"]["entries"]
    assert entries["0"]["say"] == "Please hold while we transfer your call."
    assert "say" not in entries["9"]


def test_bridge_and_transfer_are_routes_to_the_target_as_written() -> None:
    doc = document(imported(FEATURES))
    targets = {s["target"] for s in doc["services"].values()}
    assert {"bridge sofia/gateway/carrier/5550100", "transfer 1000 XML default"} <= targets


def test_an_app_the_simulator_cannot_run_is_a_route_with_a_warning() -> None:
    result = imported(FEATURES)
    entries = document(result)["nodes"]["main"]["collect"]["entries"]
    service = document(result)["services"][entries["8"]["route"]]
    assert service["target"] == "voicemail default example.com 1000"
    assert (
        f"{FEATURES}:30: warning: voicemail: not run by the simulator; the call ends there "
        "as a route to 'voicemail default example.com 1000'"
    ) in warnings_of(result)


def test_menu_exit_hangs_up_after_the_outer_menus_exit_sound() -> None:
    entries = document(imported(FEATURES))["nodes"]["main"]["collect"]["entries"]
    assert entries["*"] == {"do": "hangup", "say": "vm goodbye"}


def test_menu_back_exits_and_only_the_outermost_menu_plays_its_exit_sound() -> None:
    nodes = document(imported(FEATURES))["nodes"]
    assert nodes["sales"]["options"][2] == {"key": "*", "do": "exit"}
    assert nodes["main"]["on_no_input"][-1] == {"count": 2, "say": "vm goodbye", "do": "exit"}
    assert nodes["sales"]["on_no_input"][-1] == {"count": 2, "do": "exit"}


def test_failures_and_timeouts_are_counted_apart_with_the_invalid_sound_on_failures() -> None:
    main = document(imported(FEATURES))["nodes"]["main"]
    assert main["on_no_match"] == [
        {"count": 1, "say": "ivr that was an invalid entry", "reprompt": True},
        {"count": 3, "say": "ivr that was an invalid entry vm goodbye", "do": "exit"},
    ]
    assert main["on_no_input"] == [
        {"count": 1, "reprompt": True},
        {"count": 2, "say": "vm goodbye", "do": "exit"},
    ]


def test_exec_on_max_failures_runs_instead_of_leaving() -> None:
    support = document(imported(FEATURES))["nodes"]["support"]
    last = support["on_no_match"][-1]
    assert last["count"] == 2 and last["say"] == "That is not a support option."
    assert last["route"].startswith("to_transfer_1000_XML_default")
    assert support["on_no_input"][-1] == {"count": 2, "do": "exit"}


def test_max_timeouts_defaults_to_max_failures() -> None:
    sales = document(imported(FEATURES))["nodes"]["sales"]
    assert [h["count"] for h in sales["on_no_input"]] == [1, 2]


def test_greet_long_is_the_prompt_and_greet_short_the_short_prompt() -> None:
    main = document(imported(FEATURES))["nodes"]["main"]
    assert main["prompt"].startswith("Welcome to Example Corp. Press 1 for sales")
    assert main["short_prompt"].startswith("Press 1 sales, 2 support")


def test_a_phrase_macro_speaks_its_speak_text_and_its_sound_names() -> None:
    nodes = document(imported(FEATURES))["nodes"]
    assert nodes["sales"]["prompt"] == (
        "ivr sales Press 1 for new orders, 2 for existing orders, or star to go back."
    )
    assert nodes["main"]["collect"]["entries"]["3"] == {
        "info": "We are open from nine to five, Monday to Friday."
    }


def test_entries_on_the_same_digits_run_in_turn_sound_then_transfer() -> None:
    support = document(imported(FEATURES))["nodes"]["support"]
    two = next(o for o in support["options"] if o["key"] == "2")
    assert two["say"] == "An engineer will answer shortly."
    assert two["route"].startswith("to_transfer_3000")


def test_set_sets_a_call_variable_and_the_menu_goes_on() -> None:
    support = document(imported(FEATURES))["nodes"]["support"]
    four = next(o for o in support["options"] if o["key"] == "4")
    assert four == {"key": "4", "do": "repeat", "set": {"department": "support"}}


def test_hangup_app_hangs_up_and_menu_top_goes_to_the_main_menu() -> None:
    options = {o["key"]: o for o in document(imported(FEATURES))["nodes"]["support"]["options"]}
    assert options["3"] == {"key": "3", "do": "hangup"}
    assert options["*"] == {"key": "*", "do": "main_menu"}


def test_a_captured_order_number_is_kept_in_the_target_template() -> None:
    doc = document(imported(FEATURES))
    pattern = doc["nodes"]["orders"]["collect"]["patterns"][0]
    assert pattern["match"] == r"/^(\d{6})$/"
    assert doc["services"][pattern["route"]]["target"] == "transfer 7${1} XML orders"


def test_the_menu_says_only_what_freeswitch_plays() -> None:
    messages = document(imported(FEATURES))["messages"]
    assert messages == dict.fromkeys(
        ("connecting", "goodbye", "no_input", "no_match", "invalid_key"), ""
    )


def test_preprocessor_variables_set_in_the_file_are_filled_in_and_others_warned() -> None:
    result = imported(DEMO_STYLE)
    doc = document(result)
    targets = {s["target"] for s in doc["services"].values()}
    assert "bridge sofia/domain/888@conference.example.org" in targets
    assert any(
        re.search(r"demo_style.xml:\d+: warning: \$\$\{domain\}: a preprocessor variable", w)
        for w in warnings_of(result)
    )


def test_phrases_from_another_file_are_spoken_as_their_names() -> None:
    node = document(imported(DEMO_STYLE))["nodes"]["front_desk"]
    assert (node["prompt"], node["short_prompt"]) == ("front desk main", "front desk short")


def test_the_demo_style_submenu_star_goes_to_the_top() -> None:
    doc = document(imported(DEMO_STYLE))
    sub = doc["nodes"]["front_desk_submenu"]
    assert sub["options"] == [{"key": "*", "do": "main_menu"}]
    assert doc["nodes"]["front_desk"]["collect"]["entries"]["9"] == {"do": "main_menu"}


def test_a_bare_menu_gets_freeswitchs_defaults() -> None:
    node = document(imported(BARE))["nodes"]["hours"]
    # timeout 10000 ms; inter-digit 0, so FreeSWITCH waits the first-digit timeout again
    assert node["settings"]["no_input_timeout"] == 10
    assert node["settings"]["inter_digit_timeout"] == 10
    assert [h["count"] for h in node["on_no_match"]] == [1, 3]
    assert [h["count"] for h in node["on_no_input"]] == [1, 3]


def test_a_file_string_plays_its_parts_in_turn() -> None:
    options = document(imported(BARE))["nodes"]["hours"]["options"]
    assert options[1] == {"key": "2", "info": "Monday to Friday nine to five"}


def test_the_imported_features_fixture_warns_only_about_what_it_cannot_run() -> None:
    assert len(imported(FEATURES).warnings) == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('<configuration name="ivr.conf"><menus/></configuration>', True),
        ('<include>\n  <menu name="m" greet-long="say:Hi">', True),
        ('<menu name="m"><entry action="menu-top" digits="1"/></menu>', True),
        ('<vxml version="2.1"><menu id="m"><choice dtmf="1" next="#a">A</choice></menu>', False),
        ("menu: norway\nnodes:\n  main:\n    prompt: Hi\n", False),
        ("[default]\nexten => s,1,Answer()\n", False),
        ('<menu name="m"/>', False),  # a menu with no greeting and no entries is no IVR
    ],
)
def test_a_freeswitch_menu_file_is_told_by_its_content(text: str, expected: bool) -> None:
    assert looks_like(text) is expected
