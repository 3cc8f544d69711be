"""Loading a YAML menu into the frozen model, strictly.

One loader for every front end. Unknown keys are rejected by name with the
allowed ones listed, every reference is resolved, service numbers are
validated, and every problem comes back as ``FILE:LINE:COL: what (hint)``.

The package follows the file's schema, a module a section: ``keys`` (the keys
each section allows), ``texts`` (text and words per language), ``actions``,
``settings`` (settings, messages, voices, limits), ``services``, ``commands``,
``nodes``, ``branch``, then ``resolve`` (checks across sections, settings
inherited down the tree) and ``menu``, which reads the top and calls the
rest. ``speed`` holds the shortcuts that only make loading faster.
"""

from __future__ import annotations

from pathlib import Path

from ivr.loader.keys import (
    ACTION_KEYS,
    BRANCH_ACTIONS,
    BRANCH_RULE_KEYS,
    COLLECT_KEYS,
    COMMAND_KEYS,
    DAY_NAMES,
    DO_ACTIONS,
    KEYS,
    LIMITS_KEYS,
    MENU_KEYS,
    MESSAGE_KEYS,
    NODE_KEYS,
    OPTION_KEYS,
    SERVICE_KEYS,
    SETTINGS_KEYS,
    VOICE_KEYS,
    WHEN_KEYS,
)
from ivr.loader.menu import build_menu
from ivr.model import ENGINES, Menu
from ivr.yamlsrc import gc_paused, load_yaml

__all__ = [
    "ACTION_KEYS",
    "BRANCH_ACTIONS",
    "BRANCH_RULE_KEYS",
    "COLLECT_KEYS",
    "COMMAND_KEYS",
    "DAY_NAMES",
    "DO_ACTIONS",
    "ENGINES",
    "KEYS",
    "LIMITS_KEYS",
    "MENU_KEYS",
    "MESSAGE_KEYS",
    "NODE_KEYS",
    "OPTION_KEYS",
    "SERVICE_KEYS",
    "SETTINGS_KEYS",
    "VOICE_KEYS",
    "WHEN_KEYS",
    "load_menu",
    "load_menu_text",
]


def load_menu(path: str | Path) -> Menu:
    """Read, validate and resolve a menu file; raises ``MenuErrors`` listing every problem."""
    name = str(path)
    with gc_paused():
        data = load_yaml(path)
        menu = build_menu(name, data)
        del data  # freed now, so the collector never has to walk the YAML tree
    return menu


def load_menu_text(text: str, name: str = "<menu>") -> Menu:
    """Like ``load_menu`` for YAML held in memory (tests, generated menus)."""
    with gc_paused():
        data = load_yaml(name, text=text)
        menu = build_menu(name, data)
        del data  # freed now, so the collector never has to walk the YAML tree
    return menu
