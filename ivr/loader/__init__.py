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

from dataclasses import replace
from pathlib import Path

from ivr.errors import IvrError
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
from ivr.pbx.common import PbxWarning, source_lines
from ivr.yamlsrc import gc_paused, load_yaml, relocate

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
    "load_menu_warned",
]


def load_menu(path: str | Path, start: str | None = None) -> Menu:
    """Read, validate and resolve a menu file; raises ``MenuErrors`` listing every problem.

    A FreeSWITCH, Asterisk or VoiceXML file is imported first (``ivr.pbx``), its
    warnings logged; ``start`` picks where a call begins (a PBX menu, context or
    dialog; a node of a YAML menu)."""
    return load_menu_warned(path, start)[0]


def load_menu_warned(
    path: str | Path, start: str | None = None
) -> tuple[Menu, tuple[PbxWarning, ...]]:
    """``load_menu``, with what an imported PBX file could not be run exactly as."""
    from ivr.pbx.detect import MenuFormat, import_file, sniff_file

    if sniff_file(path) is not MenuFormat.YAML:
        imported = import_file(path, start)
        lines = source_lines(imported.yaml_text)
        return load_menu_text(imported.yaml_text, str(path), lines), imported.warnings
    menu = _load_yaml_menu(path)
    if start is not None and start != menu.start:
        if start not in menu.nodes:
            raise IvrError(
                f"{path}: no node {start!r} to start at",
                "use one of " + ", ".join(sorted(menu.nodes)),
            )
        menu = replace(menu, start=start)
    return menu, ()


def _load_yaml_menu(path: str | Path) -> Menu:
    name = str(path)
    with gc_paused():
        data = load_yaml(path)
        menu = build_menu(name, data)
        del data  # freed now, so the collector never has to walk the YAML tree
    return menu


def load_menu_text(text: str, name: str = "<menu>", lines: list[int] | None = None) -> Menu:
    """Like ``load_menu`` for YAML held in memory (tests, generated menus). ``lines``
    maps each line of ``text`` to the line of the file it was made from (an imported PBX
    file), so every location the menu and its problems carry points there."""
    with gc_paused():
        data = load_yaml(name, text=text)
        if lines is not None:
            relocate(data, lines)
        menu = build_menu(name, data)
        del data  # freed now, so the collector never has to walk the YAML tree
    return menu
