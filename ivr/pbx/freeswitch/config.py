"""What a FreeSWITCH IVR file says: its menus, their entries, phrase macros and
preprocessor variables, each with the line it is written on.

Read as FreeSWITCH reads ``ivr.conf`` (``switch_ivr_menu_stack_xml_build`` in
``src/switch_ivr_menu.c``): a ``<menu>`` is found by its ``name`` among the
menus of the file, whether they sit in ``<configuration name="ivr.conf">
<menus>``, in an ``<include>`` (how ``conf/ivr_menus/*.xml`` is written) or at
the top; its ``<entry action digits param>`` children are its choices, in
order. Attribute values get the file's own ``X-PRE-PROCESS cmd="set"``
variables (``$${domain}``) filled in, as FreeSWITCH's preprocessor does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ivr.errors import Location
from ivr.pbx.common import PbxWarning
from ivr.pbx.freeswitch.xmltree import XNode

#: ``$${name}``: a preprocessor variable (``conf/vars.xml``), filled in at load time.
GLOBAL_REF = re.compile(r"\$\$\{([^}]*)\}")
#: ``iam[]`` in switch_ivr_menu.c; ``is_valid_action`` compares them case-sensitively.
ACTIONS = ("menu-exit", "menu-sub", "menu-exec-app", "menu-play-sound", "menu-back", "menu-top")
#: Elements that hold phrase macros, never menus.
_PHRASE_TAGS = frozenset({"macro", "macros", "phrases", "language"})


@dataclass(frozen=True)
class Entry:
    """``<entry action digits param/>``: one choice of a menu, as written."""

    action: str
    digits: str
    param: str
    line: int
    has_action: bool = True
    has_digits: bool = True


@dataclass(frozen=True)
class FsMenu:
    """``<menu name ...>``: its attributes and entries."""

    name: str
    attrs: dict[str, str]
    line: int
    attr_lines: dict[str, int]
    entries: tuple[Entry, ...]

    def attr(self, key: str) -> str | None:
        """The attribute as FreeSWITCH's ``switch_xml_attr`` gives it: None when absent."""
        return self.attrs.get(key)

    def line_of(self, key: str) -> int:
        return self.attr_lines.get(key, self.line)


@dataclass(frozen=True)
class MacroAction:
    """One ``<action function data/>`` of a phrase macro."""

    function: str
    data: str
    phrase: str  # the ``phrase`` attribute of a ``function="phrase"`` action


@dataclass(frozen=True)
class MacroInput:
    """``<input pattern field break_on_match>`` with its ``<match>`` / ``<nomatch>``."""

    pattern: str
    field: str | None
    break_on_match: bool
    match: tuple[MacroAction, ...]
    nomatch: tuple[MacroAction, ...]


@dataclass(frozen=True)
class Macro:
    """``<macro name>``: a phrase a prompt plays as ``phrase:NAME``."""

    name: str
    inputs: tuple[MacroInput, ...]
    line: int


@dataclass
class FsConfig:
    """Everything the importer needs from one file."""

    file: str
    menus: dict[str, FsMenu] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)
    macros: dict[str, Macro] = field(default_factory=dict)
    language: str = "en"
    globals: dict[str, str] = field(default_factory=dict)
    includes: list[str] = field(default_factory=list)
    warnings: list[PbxWarning] = field(default_factory=list)

    def warn(self, line: int, text: str) -> None:
        self.warnings.append(PbxWarning(Location(self.file, line, 1), text))


def read_config(root: XNode, file: str) -> FsConfig:
    """The menus, macros and preprocessor variables of a parsed file."""
    config = FsConfig(file)
    _preprocess(root, config)
    document = XNode("#document", {}, 1, 1, [root])  # the root may itself be a <menu>
    _read(document, config, in_phrases=False)
    return config


def _preprocess(root: XNode, config: FsConfig) -> None:
    """``X-PRE-PROCESS``: ``set`` defines ``$${name}`` (filled in everywhere, as the
    preprocessor does before parsing); ``include`` and the rest are not run."""
    for node in root.walk():
        if node.tag != "X-PRE-PROCESS":
            continue
        cmd = node.attrs.get("cmd", "")
        data = node.attrs.get("data", "")
        if cmd == "set" and "=" in data:
            name, _, value = data.partition("=")
            config.globals[name.strip()] = value.strip()
        elif cmd == "include":
            config.includes.append(data)
            config.warn(
                node.line,
                f'X-PRE-PROCESS include "{data}": the included files are not read; '
                "import each menu file itself",
            )
        else:
            config.warn(
                node.line,
                f'X-PRE-PROCESS cmd="{cmd}": not run by the simulator (only cmd="set" '
                "variables are filled in)",
            )
    if config.globals:
        for node in root.walk():
            node.attrs = {k: fill_globals(v, config.globals) for k, v in node.attrs.items()}


def fill_globals(text: str, values: dict[str, str]) -> str:
    """``$${name}`` replaced by its ``X-PRE-PROCESS set`` value where the file has one."""
    return GLOBAL_REF.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def _read(node: XNode, config: FsConfig, in_phrases: bool) -> None:
    for child in node.children:
        if child.tag == "language" and child.attrs.get("name"):
            config.language = child.attrs["name"].split("-")[0].split("_")[0].lower() or "en"
        if child.tag == "macro":
            _macro(child, config)
        elif child.tag == "menu" and not in_phrases:
            _menu(child, config)
        else:
            _read(child, config, in_phrases or child.tag in _PHRASE_TAGS)


def _menu(node: XNode, config: FsConfig) -> None:
    name = node.attrs.get("name", "")
    if not name:
        config.warn(node.line, "<menu> without a name: no call can start it, so it is skipped")
        return
    if name in config.menus:
        # switch_xml_find_child returns the first menu of that name
        config.warn(
            node.line,
            f"second menu named {name!r} (the first is at line {config.menus[name].line}): "
            "FreeSWITCH uses the first, and so does the simulator",
        )
        return
    entries = tuple(
        Entry(
            child.attrs.get("action", ""),
            child.attrs.get("digits", ""),
            child.attrs.get("param", ""),
            child.line,
            "action" in child.attrs,
            "digits" in child.attrs,
        )
        for child in node.children
        if child.tag == "entry"
    )
    config.menus[name] = FsMenu(name, dict(node.attrs), node.line, node.attr_lines, entries)
    config.order.append(name)


def _macro(node: XNode, config: FsConfig) -> None:
    name = node.attrs.get("name", "")
    if not name or name in config.macros:
        return
    inputs: list[MacroInput] = []
    for inp in node.children:
        if inp.tag != "input":
            continue
        match: tuple[MacroAction, ...] = ()
        nomatch: tuple[MacroAction, ...] = ()
        for part in inp.children:
            actions = tuple(
                MacroAction(
                    a.attrs.get("function", ""), a.attrs.get("data", ""), a.attrs.get("phrase", "")
                )
                for a in part.children
                if a.tag == "action"
            )
            if part.tag == "match" and not match:
                match = actions
            elif part.tag == "nomatch" and not nomatch:
                nomatch = actions
        inputs.append(
            MacroInput(
                inp.attrs.get("pattern", ".*"),
                inp.attrs.get("field"),
                inp.attrs.get("break_on_match", "").lower() in ("true", "yes", "on", "1"),
                match,
                nomatch,
            )
        )
    config.macros[name] = Macro(name, tuple(inputs), node.line)
