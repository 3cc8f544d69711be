"""The keys each section of a menu file allows, and the names its values may take.

The schema's vocabulary in one place: the section readers check against these
tuples, and ``tests/core/test_schema.py`` holds them equal to the JSON Schema
that editors use, so the two cannot drift apart.
"""

from __future__ import annotations

import re

from ivr.defaults import DEFAULT_MESSAGES
from ivr.model import ActionKind

MENU_KEYS = (
    "menu", "title", "languages", "start", "engine", "voices", "limits", "settings",
    "messages", "services", "commands", "shortcuts", "nodes", "variables",
)  # fmt: skip
NODE_KEYS = (
    "prompt", "short_prompt", "help", "settings", "options", "branch", "collect",
    "on_no_input", "on_no_match",
)  # fmt: skip
ACTION_KEYS = ("goto", "route", "info", "do")
#: What any action may carry besides itself: words spoken first, variables set first.
ACTION_EXTRAS = ("say", "set")
OPTION_KEYS = ("key", "words", "examples", "label", "confirm", *ACTION_KEYS, *ACTION_EXTRAS)
SERVICE_KEYS = ("number", "name", "purpose", "examples", "announce", "urgent", "target")
SETTINGS_KEYS = (
    "no_input_timeout", "inter_digit_timeout", "max_no_input", "max_no_match",
    "on_max_failures", "confirm_below", "reject_below", "barge_in", "search",
)  # fmt: skip
COMMAND_KEYS = ("key", "words", "confirm", "goto", "route")
BRANCH_RULE_KEYS = ("when", "otherwise", *ACTION_KEYS, *ACTION_EXTRAS)
WHEN_KEYS = ("days", "time", "var", "op", "value")
COLLECT_KEYS = (
    "min_digits", "max_digits", "terminator", "services", "entries", "patterns", "into", "early",
    "back",
)  # fmt: skip
ENTRY_KEYS = (*ACTION_KEYS, *ACTION_EXTRAS, "confirm")
PATTERN_KEYS = ("match", *ENTRY_KEYS)
HANDLER_KEYS = ("count", "reprompt", *ACTION_KEYS, *ACTION_EXTRAS)
VOICE_KEYS = ("voice", "rate", "volume")
LIMITS_KEYS = ("max_call_seconds", "max_caller_events")
MESSAGE_KEYS = tuple(DEFAULT_MESSAGES)

#: What a branch rule may do: it runs before the caller has said anything.
BRANCH_ACTIONS = (ActionKind.GOTO, ActionKind.ROUTE, ActionKind.HANGUP, ActionKind.EXIT)
DO_ACTIONS = ("back", "main_menu", "repeat", "help", "hangup", "operator", "exit")
KEYS = "0123456789*#"
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

#: A node or service id: it is written bare after goto: and route:.
ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
#: A call variable's name (``${name}``); digits alone are a pattern's captures.
VAR_NAME = re.compile(r"^(?:[A-Za-z_][A-Za-z0-9_]*|[0-9])$")
