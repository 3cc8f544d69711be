"""What the simulator cannot run is a ``FILE:LINE: warning:`` naming the construct and
what it does instead; nothing is dropped silently."""

from __future__ import annotations

from ivr.calls import call_result

from .helpers import FIXTURES, call, imported, press

FILE = str(FIXTURES / "unsupported.vxml")


def warnings() -> list[str]:
    return [str(w) for w in imported("unsupported.vxml").warnings]


def test_every_construct_the_simulator_cannot_run_is_warned_about_at_its_line() -> None:
    lines = {int(w.split(":")[1]) for w in warnings()}
    assert lines == {5, 6, 7, 9, 10, 14, 15, 18, 20, 23, 27, 28, 32, 33, 35}


def test_a_warning_names_the_construct_and_what_happens_instead() -> None:
    found = warnings()
    for expected in (
        f"{FILE}:5: warning: script: not run; what it defines is unknown to the simulator",
        f"{FILE}:10: warning: choice next='other.vxml#start': other documents are not read; "
        "the call ends there, as a route to it",
        f"{FILE}:18: warning: <subdialog>: not simulated; the form goes on to its next item",
        f"{FILE}:20: warning: cond='today.getHours() < 12': the function call "
        "today.getHours(...) is not simulated; taken as false",
        f"{FILE}:32: warning: grammar src='orders.grxml': external grammars are not read; it "
        "matches nothing",
        f"{FILE}:35: warning: goto expr=\"'#' + order\": computed by script; the call hangs "
        "up there",
    ):
        assert expected in found


def test_the_warnings_head_the_imported_yaml_too() -> None:
    text = imported("unsupported.vxml").yaml_text
    assert "# warning: submit next='http://example.com/survey': no web server here" in text


def test_a_goto_to_another_document_ends_the_call_as_a_route_to_it() -> None:
    session, _ = call("unsupported.vxml")
    press(session, "1")
    assert (call_result(session)["target"], call_result(session)["route"]) == (
        "other.vxml#start",
        None,
    )


def test_a_submit_ends_the_call_as_a_route_to_the_server_after_the_subdialog_is_skipped() -> None:
    session, _ = call("unsupported.vxml")
    press(session, "2")
    assert call_result(session)["target"] == "submit http://example.com/survey"


def test_a_transfer_whose_destination_is_script_keeps_the_expression_as_its_target() -> None:
    session, _ = call("unsupported.vxml")
    press(session, "3")
    assert call_result(session)["target"] == "desk_for(session.connection.remote.uri)"
