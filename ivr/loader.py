"""Loading a YAML menu into the frozen model, strictly.

One loader for every front end. Unknown keys are rejected by name with the
allowed ones listed, every reference is resolved, service numbers are
validated, and every problem comes back as ``FILE:LINE:COL: what (hint)``.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import fields, replace
from datetime import time
from pathlib import Path
from typing import Any

from ivr.defaults import DEFAULT_MESSAGES
from ivr.errors import Location
from ivr.fields import Problems, Reader, describe, key_where, where_of
from ivr.model import (
    COMMAND_NAMES,
    EMPTY_TEXT,
    ENGINES,
    Action,
    ActionKind,
    BranchRule,
    Collect,
    Command,
    LangText,
    Menu,
    Messages,
    Node,
    Option,
    Phrases,
    Service,
    Settings,
    TimeWindow,
    Voice,
)
from ivr.yamlsrc import YMap, YSeq, gc_paused, load_yaml

MENU_KEYS = (
    "menu", "title", "languages", "start", "engine", "voices", "limits", "settings",
    "messages", "services", "commands", "shortcuts", "nodes",
)  # fmt: skip
NODE_KEYS = ("prompt", "short_prompt", "help", "settings", "options", "branch", "collect")
ACTION_KEYS = ("goto", "route", "info", "do")
OPTION_KEYS = ("key", "words", "examples", "label", "confirm", *ACTION_KEYS)
SERVICE_KEYS = ("number", "name", "purpose", "examples", "announce")
SETTINGS_KEYS = (
    "no_input_timeout", "inter_digit_timeout", "max_no_input", "max_no_match",
    "on_max_failures", "confirm_below", "reject_below", "barge_in", "search",
)  # fmt: skip
COMMAND_KEYS = ("key", "words", "confirm", "goto", "route")
BRANCH_RULE_KEYS = ("when", "otherwise", *ACTION_KEYS)
WHEN_KEYS = ("days", "time")
COLLECT_KEYS = ("min_digits", "max_digits", "terminator", "services", "entries")
VOICE_KEYS = ("voice", "rate", "volume")
LIMITS_KEYS = ("max_call_seconds", "max_caller_events")
MESSAGE_KEYS = tuple(DEFAULT_MESSAGES)
BRANCH_ACTIONS = (ActionKind.GOTO, ActionKind.ROUTE, ActionKind.HANGUP)
DO_ACTIONS = ("back", "main_menu", "repeat", "help", "hangup", "operator")
KEYS = "0123456789*#"
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

_SETTINGS_KEY_SET = frozenset(SETTINGS_KEYS)
# Shared: Settings is frozen, and building one per node was measurable on big menus.
_DEFAULT_SETTINGS = Settings()
# Nodes are rebuilt once settings and parents are known; calling the constructor
# directly is twice as fast as dataclasses.replace, but only safe while Node has
# exactly these fields, so any change to Node falls back to replace.
_NODE_FIELDS = (
    "id", "prompt", "short_prompt", "help", "options", "settings", "branch", "collect",
    "parent", "where",
)  # fmt: skip
_DIRECT_NODE = tuple(f.name for f in fields(Node)) == _NODE_FIELDS

_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_LANG = re.compile(r"^[a-z]{2,3}$")
_NUMBER = re.compile(r"^\+?[0-9][0-9 ]*$")
_TIME_RANGE = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")


def load_menu(path: str | Path) -> Menu:
    """Read, validate and resolve a menu file; raises ``MenuErrors`` listing every problem."""
    name = str(path)
    with gc_paused():
        data = load_yaml(path)
        menu = _MenuBuilder(name).build(data)
        del data  # freed now, so the collector never has to walk the YAML tree
    return menu


def load_menu_text(text: str, name: str = "<menu>") -> Menu:
    """Like ``load_menu`` for YAML held in memory (tests, generated menus)."""
    with gc_paused():
        data = load_yaml(name, text=text)
        menu = _MenuBuilder(name).build(data)
        del data  # freed now, so the collector never has to walk the YAML tree
    return menu


class _MenuBuilder:
    def __init__(self, file: str) -> None:
        self.file = file
        self.problems = Problems(file)
        self.read = Reader(self.problems)
        self.langs: tuple[str, ...] = ("en",)
        self.node_ids: set[str] = set()
        self.service_ids: set[str] = set()
        self.top = Location(file, 1, 1)
        self.own_settings: dict[str, set[str]] = {}

    # -- helpers -----------------------------------------------------------
    def add(self, where: Location, message: str, hint: str | None = None) -> None:
        self.problems.add(where, message, hint)

    def text(self, m: YMap, key: str, what: str, required: bool = False) -> LangText:
        """A prompt: plain text (every language the same) or a mapping lang -> text."""
        if key not in m:
            if required:
                self.add(m.where, f"{what} is missing {key!r}", f"add {key}: ...")
            return EMPTY_TEXT
        value = m[key]
        if isinstance(value, str) and value.strip():
            if len(self.langs) > 1:
                self.add(
                    where_of(m, key, m.where),
                    f"{what} {key!r} has one text but the menu has languages "
                    f"{', '.join(self.langs)}",
                    "give one text per language, e.g. {en: ..., nb: ...}",
                )
            return LangText(((self.langs[0], value.strip()),), self.langs[0])
        where = where_of(m, key, m.where)
        if isinstance(value, YMap):
            texts: list[tuple[str, str]] = []
            for lang, item in value.items():
                if lang not in self.langs:
                    self.add(
                        key_where(value, lang),
                        f"{what} {key!r} has text in {lang!r}, "
                        "which is not one of the menu's languages",
                        f"languages: {', '.join(self.langs)}",
                    )
                elif not isinstance(item, str) or not item.strip():
                    self.add(
                        where_of(value, lang, where),
                        f"{what} {key!r} in {lang!r} must be text, not {describe(item)}",
                        "write the text, quoted if it has a colon",
                    )
                else:
                    texts.append((lang, item.strip()))
            missing = [lang for lang in self.langs if lang not in value]
            if missing:
                self.add(
                    where,
                    f"{what} {key!r} has no text in {', '.join(missing)}",
                    f"add {missing[0]}: ...",
                )
            return LangText(tuple(texts), self.langs[0])
        self.add(
            where,
            f"{what} {key!r} must be text or a mapping of language to text, not {describe(value)}",
            "e.g. prompt: {en: Hello, nb: Hei}",
        )
        return EMPTY_TEXT

    def phrases(self, m: YMap, key: str, what: str) -> Phrases:
        if key not in m:
            return Phrases()
        value = m[key]
        if len(self.langs) == 1 and isinstance(value, YSeq):
            words = _clean_words(value)
            if words is not None:
                return Phrases(((self.langs[0], words),))
        where = where_of(m, key, m.where)
        if isinstance(value, YMap):
            out: list[tuple[str, tuple[str, ...]]] = []
            for lang, items in value.items():
                if lang not in self.langs:
                    self.add(
                        key_where(value, lang),
                        f"{what} words in {lang!r}, which is not one of the menu's languages",
                        f"languages: {', '.join(self.langs)}",
                    )
                    continue
                words = _clean_words(items) if isinstance(items, YSeq) else None
                if words is None:
                    words = tuple(
                        self.read.string_list(items, where_of(value, lang, where), f"{what} words")
                    )
                out.append((lang, words))
            missing = [lang for lang in self.langs if lang not in value]
            if missing:
                self.add(
                    where,
                    f"{what} has no words in {', '.join(missing)}",
                    f"add {missing[0]}: [...]",
                )
            return Phrases(tuple(out))
        if len(self.langs) > 1:
            self.add(
                where,
                f"{what} words must be given per language ({', '.join(self.langs)})",
                "e.g. words: {en: [fire], nb: [brann]}",
            )
        return Phrases(
            ((self.langs[0], tuple(self.read.string_list(value, where, f"{what} words"))),)
        )

    def key(self, m: YMap, what: str) -> str | None:
        if "key" not in m:
            return None
        value = m["key"]
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 9:
            return str(value)
        if isinstance(value, str) and len(value) == 1 and value in KEYS:
            return value
        where = where_of(m, "key", m.where)
        if value is None:
            self.add(
                where,
                f"{what} key is empty",
                'quote "#" and "*": YAML reads # as a comment and * as an alias',
            )
        else:
            self.add(
                where,
                f"{what} key must be one of 0-9, * or #, not {describe(value)}",
                'write e.g. key: 1 or key: "*"',
            )
        return None

    # -- the menu ------------------------------------------------------------
    def build(self, data: Any) -> Menu:
        read = self.read
        root = read.mapping(data, self.top, "a menu file")
        if root is None:
            self.problems.raise_if_any()
            raise RuntimeError("a non-mapping menu was not reported")
        read.check_keys(root, MENU_KEYS, "the menu", required=("menu", "start", "nodes"))
        self.langs = self._languages(root)
        menu_id = read.string(root, "menu", "the menu") or "menu"
        title = read.string(root, "title", "the menu") or menu_id
        engine = read.choice(root, "engine", "the menu", ENGINES) or "auto"

        raw_nodes = root.get("nodes")
        nodes_map = read.mapping(raw_nodes, where_of(root, "nodes", root.where), "nodes")
        if nodes_map is not None:
            for node_id in nodes_map:
                if not isinstance(node_id, str) or not _ID.match(node_id):
                    self.add(
                        key_where(nodes_map, node_id),
                        f"node id {node_id!r} is not valid",
                        "use letters, digits, _ and -, starting with a letter",
                    )
                else:
                    self.node_ids.add(node_id)
        raw_services = root.get("services", YMap())
        services = self._services(raw_services, where_of(root, "services", root.where))
        start = read.string(root, "start", "the menu")
        if start is not None and start not in self.node_ids:
            self.add(
                where_of(root, "start", root.where),
                f"start node {start!r} is not defined",
                self._suggest(start, self.node_ids, "nodes"),
            )

        settings_raw = root.get("settings")
        base = Settings()
        if settings_raw is not None:
            base = self._settings(
                settings_raw, where_of(root, "settings", root.where), base, "menu settings"
            )
        messages = self._messages(root)
        commands = self._commands(root)
        shortcuts = self._shortcuts(root)
        voices = self._voices(root)
        limits = self._limits(root)
        nodes: dict[str, Node] = {}
        if nodes_map is not None:
            for node_id, raw in nodes_map.items():
                if node_id in self.node_ids:
                    node = self._node(node_id, raw, where_of(nodes_map, node_id, nodes_map.where))
                    if node is not None:
                        nodes[node_id] = node
        self._check_keys_against_commands(nodes, commands)
        self._check_operator(nodes, commands)
        self.problems.raise_if_any()
        if start is None:  # already reported; raise_if_any has raised
            raise RuntimeError("start node missing without an error")
        nodes = _inherit_settings(nodes, start, base, self.own_settings)
        return Menu(
            id=menu_id,
            title=title,
            file=self.file,
            start=start,
            languages=self.langs,
            nodes=nodes,
            services=services,
            commands=commands,
            shortcuts=shortcuts,
            messages=messages,
            voices=voices,
            engine=engine,
            **limits,
        )

    def _languages(self, root: YMap) -> tuple[str, ...]:
        if "languages" not in root:
            return ("en",)
        where = where_of(root, "languages", root.where)
        langs = self.read.string_list(root["languages"], where, "languages")
        good = []
        for lang in langs:
            if not _LANG.match(lang):
                self.add(
                    where, f"language {lang!r} is not a language code", "use codes like en or nb"
                )
            elif lang in good:
                self.add(where, f"language {lang!r} is listed twice", "list each language once")
            else:
                good.append(lang)
        if not good:
            self.add(where, "languages is empty", "e.g. languages: [en, nb]")
            return ("en",)
        return tuple(good)

    def _suggest(self, name: str, known: set[str], what: str) -> str:
        import difflib

        close = difflib.get_close_matches(name, sorted(known), n=1)
        if close:
            return f"did you mean {close[0]!r}?"
        return f"defined {what}: {', '.join(sorted(known)[:12]) or 'none'}"

    def _services(self, raw: Any, where: Location) -> dict[str, Service]:
        services: dict[str, Service] = {}
        m = self.read.mapping(raw, where, "services")
        if m is None:
            return services
        numbers: dict[str, str] = {}
        for sid, body in m.items():
            swhere = where_of(m, sid, m.where)
            if not isinstance(sid, str) or not _ID.match(sid):
                self.add(
                    key_where(m, sid),
                    f"service id {sid!r} is not valid",
                    "use letters, digits, _ and -, starting with a letter",
                )
                continue
            self.service_ids.add(sid)
            sm = self.read.mapping(body, swhere, f"service {sid!r}")
            if sm is None:
                continue
            what = f"service {sid!r}"
            self.read.check_keys(sm, SERVICE_KEYS, what, required=("number", "name"))
            number, display = self._number(sm, what)
            name = self.text(sm, "name", what)
            purpose = self.text(sm, "purpose", what)
            examples = self.phrases(sm, "examples", what)
            announce = self.text(sm, "announce", what)
            if number and number in numbers:
                self.add(
                    where_of(sm, "number", sm.where),
                    f"{what} has the same number as service {numbers[number]!r}",
                    "merge the two services into one",
                )
            if number:
                numbers[number] = sid
            services[sid] = Service(
                sid, number, display, name, announce, purpose, swhere, examples=examples
            )
        return services

    def _number(self, m: YMap, what: str) -> tuple[str, str]:
        if "number" not in m:
            return "", ""
        value = m["number"]
        where = where_of(m, "number", m.where)
        if isinstance(value, int) and not isinstance(value, bool):
            self.add(
                where,
                f"{what} number must be quoted text, not the number {value}",
                'write number: "02800": unquoted, YAML drops leading zeros and reads 0... as octal',
            )
            return "", ""
        if not isinstance(value, str) or not _NUMBER.match(value.strip()):
            self.add(
                where,
                f"{what} number {value!r} is not a phone number",
                'use digits and spaces, e.g. number: "116 117"',
            )
            return "", ""
        digits = value.replace(" ", "").lstrip("+")
        if not 3 <= len(digits) <= 15:
            self.add(
                where,
                f"{what} number {value!r} has {len(digits)} digits",
                "a service number has 3 to 15 digits",
            )
            return "", ""
        return digits, value.strip()

    def _settings(self, raw: Any, where: Location, base: Settings, what: str) -> Settings:
        m = self.read.mapping(raw, where, what)
        if m is None:
            return base
        read = self.read
        read.check_keys(m, SETTINGS_KEYS, what)
        changes: dict[str, Any] = {}
        for key, low, high in (("no_input_timeout", 0.5, 120), ("inter_digit_timeout", 0.2, 30)):
            value = read.number(m, key, what, low, high)
            if value is not None:
                changes[key] = value
        for key in ("max_no_input", "max_no_match"):
            count = read.number(m, key, what, 1, 10, integer=True)
            if count is not None:
                changes[key] = int(count)
        for key in ("confirm_below", "reject_below"):
            share = read.number(m, key, what, 0, 1)
            if share is not None:
                changes[key] = share
        barge = read.boolean(m, "barge_in", what)
        if barge is not None:
            changes["barge_in"] = barge
        search = read.choice(m, "search", what, ("node", "tree"))
        if search is not None:
            changes["search"] = search
        if "on_max_failures" in m:
            fwhere = where_of(m, "on_max_failures", m.where)
            fm = read.mapping(m["on_max_failures"], fwhere, f"{what} on_max_failures")
            if fm is not None:
                read.check_keys(fm, ACTION_KEYS, f"{what} on_max_failures")
                action = self._action(fm, f"{what} on_max_failures", fwhere)
                if action is not None:
                    if action.kind not in (ActionKind.ROUTE, ActionKind.HANGUP):
                        self.add(
                            fwhere,
                            "on_max_failures must route or hang up",
                            "use route: SERVICE or do: hangup, so a caller who keeps "
                            "failing is never sent round in a loop",
                        )
                    else:
                        changes["on_max_failures"] = action
        result = replace(base, **changes)
        if result.reject_below > result.confirm_below:
            self.add(
                where,
                f"{what}: reject_below ({result.reject_below:g}) is above "
                f"confirm_below ({result.confirm_below:g})",
                "reject_below must be the lower threshold",
            )
        return result

    def _action(self, m: YMap, what: str, where: Location) -> Action | None:
        """Exactly one of goto / route / info / do."""
        present = [k for k in ACTION_KEYS if k in m]
        if len(present) != 1:
            if present:
                self.add(
                    where,
                    f"{what} has {' and '.join(present)}; give exactly one action",
                    "keep one of goto, route, info, do",
                )
            else:
                self.add(
                    where,
                    f"{what} has no action",
                    "add one of goto: NODE, route: SERVICE, info: TEXT, do: "
                    + "|".join(DO_ACTIONS),
                )
            return None
        kind = present[0]
        confirm = bool(m.get("confirm", False)) if isinstance(m.get("confirm"), bool) else False
        if "confirm" in m and not isinstance(m["confirm"], bool):
            self.add(
                where_of(m, "confirm", where),
                f"{what} confirm must be true or false",
                "write confirm: true",
            )
        if kind == "info":
            return Action(ActionKind.INFO, message=self.text(m, "info", what), confirm=confirm)
        target = self.read.string(m, kind, what)
        if target is None:
            return None
        if kind == "goto":
            if target not in self.node_ids:
                self.add(
                    where_of(m, kind, where),
                    f"{what} goes to node {target!r}, which is not defined",
                    self._suggest(target, self.node_ids, "nodes"),
                )
                return None
            return Action(ActionKind.GOTO, target, confirm=confirm)
        if kind == "route":
            if target not in self.service_ids:
                self.add(
                    where_of(m, kind, where),
                    f"{what} routes to service {target!r}, which is not defined",
                    self._suggest(target, self.service_ids, "services"),
                )
                return None
            return Action(ActionKind.ROUTE, target, confirm=confirm)
        if target not in DO_ACTIONS:
            self.add(
                where_of(m, kind, where),
                f"{what} do: {target!r} is not an action",
                "use one of " + ", ".join(DO_ACTIONS),
            )
            return None
        return Action(ActionKind(target), confirm=confirm)

    def _messages(self, root: YMap) -> Messages:
        given: YMap = YMap()
        given.where = root.where
        given.key_where, given.value_where = {}, {}
        if "messages" in root:
            m = self.read.mapping(
                root["messages"], where_of(root, "messages", root.where), "messages"
            )
            if m is not None:
                self.read.check_keys(m, MESSAGE_KEYS, "messages")
                given = m
        fields: dict[str, LangText] = {}
        for key, defaults in DEFAULT_MESSAGES.items():
            if key in given:
                fields[key] = self.text(given, key, "messages")
                continue
            texts = []
            for lang in self.langs:
                if lang not in defaults:
                    self.add(
                        given.where if "messages" in root else root.where,
                        f"no built-in {key!r} message in {lang!r}",
                        f"add messages: {{{key}: {{{lang}: ...}}}}",
                    )
                else:
                    texts.append((lang, defaults[lang]))
            fields[key] = LangText(tuple(texts), self.langs[0])
        return Messages(**fields)

    def _commands(self, root: YMap) -> tuple[Command, ...]:
        if "commands" not in root:
            return ()
        where = where_of(root, "commands", root.where)
        m = self.read.mapping(root["commands"], where, "commands")
        if m is None:
            return ()
        self.read.check_keys(m, COMMAND_NAMES, "commands")
        commands: list[Command] = []
        keys_seen: dict[str, str] = {}
        for name, body in m.items():
            if name not in COMMAND_NAMES:
                continue
            what = f"command {name!r}"
            cwhere = where_of(m, name, where)
            cm = self.read.mapping(body, cwhere, what)
            if cm is None:
                continue
            self.read.check_keys(cm, COMMAND_KEYS, what)
            key = self.key(cm, what)
            if key is not None:
                if key in keys_seen:
                    self.add(
                        where_of(cm, "key", cwhere),
                        f"{what} uses key {key!r}, already used by command {keys_seen[key]!r}",
                        "give each command its own key",
                    )
                keys_seen[key] = name
            phrases = self.phrases(cm, "words", what)
            if key is None and not phrases.all():
                self.add(
                    cwhere,
                    f"{what} has neither a key nor words",
                    "add key: or words: so callers can use it",
                )
            if name == "operator":
                action = self._action(cm, what, cwhere)
                if action is None:
                    continue
                if action.kind not in (ActionKind.ROUTE, ActionKind.GOTO):
                    continue
            else:
                extra = [k for k in ("goto", "route") if k in cm]
                if extra:
                    self.add(
                        key_where(cm, extra[0]),
                        f"{what} cannot take {extra[0]!r}",
                        "only the operator command has a destination",
                    )
                action = Action(ActionKind(name), confirm=bool(cm.get("confirm") is True))
            commands.append(Command(name, key, phrases, action, cwhere))
        return tuple(commands)

    def _shortcuts(self, root: YMap) -> tuple[str, ...]:
        if "shortcuts" not in root:
            return ()
        where = where_of(root, "shortcuts", root.where)
        ids = self.read.string_list(root["shortcuts"], where, "shortcuts")
        for sid in ids:
            if sid not in self.service_ids:
                self.add(
                    where,
                    f"shortcut {sid!r} is not a defined service",
                    self._suggest(sid, self.service_ids, "services"),
                )
        return tuple(s for s in ids if s in self.service_ids)

    def _voices(self, root: YMap) -> dict[str, Voice]:
        if "voices" not in root:
            return {}
        where = where_of(root, "voices", root.where)
        m = self.read.mapping(root["voices"], where, "voices")
        voices: dict[str, Voice] = {}
        if m is None:
            return voices
        for lang, body in m.items():
            what = f"voice for {lang!r}"
            if lang not in self.langs:
                self.add(
                    key_where(m, lang),
                    f"{what}: not one of the menu's languages",
                    f"languages: {', '.join(self.langs)}",
                )
                continue
            vm = self.read.mapping(body, where_of(m, lang, where), what)
            if vm is None:
                continue
            self.read.check_keys(vm, VOICE_KEYS, what, required=("voice",))
            voice = self.read.string(vm, "voice", what) or ""
            rate = self.read.number(vm, "rate", what, 80, 450, integer=True)
            volume = self.read.number(vm, "volume", what, 0, 1)
            voices[lang] = Voice(voice, int(rate or 160), 1.0 if volume is None else volume)
        return voices

    def _limits(self, root: YMap) -> dict[str, Any]:
        if "limits" not in root:
            return {}
        m = self.read.mapping(root["limits"], where_of(root, "limits", root.where), "limits")
        if m is None:
            return {}
        self.read.check_keys(m, LIMITS_KEYS, "limits")
        out: dict[str, Any] = {}
        seconds = self.read.number(m, "max_call_seconds", "limits", 10, 86400)
        if seconds is not None:
            out["max_call_seconds"] = seconds
        events = self.read.number(m, "max_caller_events", "limits", 5, 100000, integer=True)
        if events is not None:
            out["max_caller_events"] = int(events)
        return out

    # -- nodes ----------------------------------------------------------------
    def _node(self, node_id: str, raw: Any, where: Location) -> Node | None:
        what = f"node {node_id!r}"
        m = self.read.mapping(raw, where, what)
        if m is None:
            return None
        self.read.check_keys(m, NODE_KEYS, what)
        kinds = [k for k in ("options", "branch", "collect") if k in m]
        if len(kinds) != 1:
            self.add(
                where,
                f"{what} has {' and '.join(kinds) if kinds else 'none'} of options/branch/collect",
                "give a node exactly one of them",
            )
            return None
        prompt = self.text(m, "prompt", what, required=kinds[0] != "branch")
        short = self.text(m, "short_prompt", what)
        help_text = self.text(m, "help", what)
        settings = _DEFAULT_SETTINGS
        own: YMap | None = None
        if "settings" in m:
            own = self.read.mapping(
                m["settings"], where_of(m, "settings", where), f"{what} settings"
            )
            if own is not None:
                settings = self._settings(own, own.where, _DEFAULT_SETTINGS, f"{what} settings")
        options: tuple[Option, ...] = ()
        branch: tuple[BranchRule, ...] = ()
        collect: Collect | None = None
        if kinds[0] == "options":
            options = self._options(node_id, m["options"], where_of(m, "options", where))
        elif kinds[0] == "branch":
            branch = self._branch(node_id, m["branch"], where_of(m, "branch", where))
        else:
            collect = self._collect(node_id, m["collect"], where_of(m, "collect", where))
        node = Node(
            node_id, prompt, short, help_text, options, settings, branch, collect, None, where
        )
        self.own_settings[node_id] = set(own) if own is not None else set()
        return node

    def _options(self, node_id: str, raw: Any, where: Location) -> tuple[Option, ...]:
        if not isinstance(raw, YSeq) or not raw:
            self.add(
                where,
                f"node {node_id!r} options must be a non-empty list",
                "write options as a list: - key: 1 ...",
            )
            return ()
        options: list[Option] = []
        keys: dict[str, int] = {}
        for index, body in enumerate(raw):
            owhere = where_of(raw, index, where)
            what = f"node {node_id!r} option {index + 1}"
            om = self.read.mapping(body, owhere, what)
            if om is None:
                continue
            self.read.check_keys(om, OPTION_KEYS, what)
            key = self.key(om, what)
            if key is not None:
                if key in keys:
                    self.add(
                        where_of(om, "key", owhere),
                        f"{what} uses key {key!r}, already used by option {keys[key]}",
                        "give each option its own key",
                    )
                else:
                    keys[key] = index + 1
            phrases = self.phrases(om, "words", what)
            if "key" not in om and not phrases.all():
                self.add(
                    owhere,
                    f"{what} has neither a key nor words",
                    "add key: or words: so callers can choose it",
                )
            label = self.text(om, "label", what)
            action = self._action(om, what, owhere)
            if action is None:
                continue
            if not label:
                label = self._default_label(action, phrases, key)
            option_id = f"{node_id}.{key}" if key is not None else f"{node_id}.w{index + 1}"
            examples = self.phrases(om, "examples", what)
            options.append(
                Option(option_id, node_id, key, phrases, label, action, owhere, examples=examples)
            )
        return tuple(options)

    def _default_label(self, action: Action, phrases: Phrases, key: str | None) -> LangText:
        texts = []
        for lang in self.langs:
            words = phrases.get(lang)
            texts.append((lang, words[0] if words else (action.target or key or "this")))
        return LangText(tuple(texts), self.langs[0])

    def _branch(self, node_id: str, raw: Any, where: Location) -> tuple[BranchRule, ...]:
        what = f"node {node_id!r} branch"
        if not isinstance(raw, YSeq) or not raw:
            self.add(
                where,
                f"{what} must be a non-empty list of rules",
                "e.g. - when: {days: mon-fri, time: 08:00-16:00} ...",
            )
            return ()
        rules: list[BranchRule] = []
        for index, body in enumerate(raw):
            rwhere = where_of(raw, index, where)
            rwhat = f"{what} rule {index + 1}"
            rm = self.read.mapping(body, rwhere, rwhat)
            if rm is None:
                continue
            self.read.check_keys(rm, BRANCH_RULE_KEYS, rwhat)
            window: TimeWindow | None = None
            if "when" in rm and "otherwise" in rm:
                self.add(rwhere, f"{rwhat} has both when and otherwise", "keep one")
            elif "when" in rm:
                window = self._when(rm["when"], where_of(rm, "when", rwhere), rwhat)
            elif rm.get("otherwise") is not True:
                self.add(
                    rwhere,
                    f"{rwhat} needs when: or otherwise: true",
                    "the last rule must be otherwise: true",
                )
            elif index != len(raw) - 1:
                self.add(rwhere, f"{rwhat}: otherwise must be the last rule", "move it to the end")
            action = self._action(rm, rwhat, rwhere)
            if action is not None and action.kind not in BRANCH_ACTIONS:
                self.add(
                    rwhere,
                    f"{rwhat} cannot {action.kind.value}",
                    "a branch rule must goto a node, route, or do: hangup",
                )
            elif action is not None:
                rules.append(BranchRule(window, action, rwhere))
        last = raw[-1]
        if not (isinstance(last, YMap) and last.get("otherwise") is True):
            self.add(
                where,
                f"{what} has no otherwise rule",
                "add a last rule with otherwise: true so every caller gets somewhere",
            )
        return tuple(rules)

    def _when(self, raw: Any, where: Location, what: str) -> TimeWindow | None:
        m = self.read.mapping(raw, where, f"{what} when")
        if m is None:
            return None
        self.read.check_keys(m, WHEN_KEYS, f"{what} when", required=("time",))
        days = self._days(m.get("days", "mon-sun"), where_of(m, "days", where), what)
        span = m.get("time")
        match = _TIME_RANGE.match(span) if isinstance(span, str) else None
        if match is None:
            if "time" in m:
                self.add(
                    where_of(m, "time", where),
                    f"{what} time {span!r} is not a range",
                    'write time: "08:00-16:00" (quoted)',
                )
            return None
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59 or (h2 == 24 and m2):
            self.add(
                where_of(m, "time", where),
                f"{what} time {span!r} is not a valid time",
                "hours 00-24, minutes 00-59",
            )
            return None
        end = time(0, 0) if h2 == 24 else time(h2, m2)
        if days is None:
            return None
        if (h1, m1) == (h2, m2):
            self.add(
                where_of(m, "time", where),
                f"{what} time {span!r} is empty",
                "start and end must differ",
            )
            return None
        return TimeWindow(frozenset(days), time(h1, m1), end)

    def _days(self, raw: Any, where: Location, what: str) -> set[int] | None:
        parts: list[str] = []
        if isinstance(raw, str):
            parts = [p.strip().lower() for p in raw.split(",")]
        elif isinstance(raw, YSeq):
            parts = [str(p).strip().lower() for p in raw]
        days: set[int] = set()
        for part in parts:
            if part in ("daily", "every day"):
                days.update(range(7))
            elif part in ("weekdays",):
                days.update(range(5))
            elif part in ("weekends",):
                days.update((5, 6))
            elif "-" in part and all(p.strip()[:3] in DAY_NAMES for p in part.split("-", 1)):
                a, b = (DAY_NAMES.index(p.strip()[:3]) for p in part.split("-", 1))
                days.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])
            elif part[:3] in DAY_NAMES and part in (part[:3], _full_day(part[:3])):
                days.add(DAY_NAMES.index(part[:3]))
            else:
                self.add(
                    where,
                    f"{what} days {raw!r} not understood",
                    "use e.g. mon-fri, weekends, daily or [mon, wed]",
                )
                return None
        if not days:
            self.add(where, f"{what} days is empty", "e.g. days: mon-fri")
            return None
        return days

    def _collect(self, node_id: str, raw: Any, where: Location) -> Collect | None:
        what = f"node {node_id!r} collect"
        m = self.read.mapping(raw, where, what)
        if m is None:
            return None
        self.read.check_keys(m, COLLECT_KEYS, what, required=("max_digits",))
        low = int(self.read.number(m, "min_digits", what, 1, 32, integer=True) or 1)
        high = int(self.read.number(m, "max_digits", what, 1, 32, integer=True) or 1)
        if low > high:
            self.add(where, f"{what}: min_digits {low} is above max_digits {high}", "swap them")
        terminator = "#"
        if "terminator" in m:
            value = m["terminator"]
            if value in ("#", "*"):
                terminator = value
            else:
                self.add(
                    where_of(m, "terminator", where),
                    f'{what} terminator must be "#" or "*", not {describe(value)}',
                    'write terminator: "#" (quoted)',
                )
        services = self.read.boolean(m, "services", what) or False
        entries: list[tuple[str, Action]] = []
        if "entries" in m:
            em = self.read.mapping(m["entries"], where_of(m, "entries", where), f"{what} entries")
            for digits, body in (em or {}).items():
                ewhere = where_of(em, digits, where)
                text = str(digits)
                if not text.isdigit():
                    self.add(
                        ewhere,
                        f"{what} entry {digits!r} is not digits",
                        'quote the digits, e.g. "0042":',
                    )
                    continue
                am = self.read.mapping(body, ewhere, f"{what} entry {text}")
                if am is None:
                    continue
                self.read.check_keys(am, (*ACTION_KEYS, "confirm"), f"{what} entry {text}")
                action = self._action(am, f"{what} entry {text}", ewhere)
                if action is not None:
                    entries.append((text, action))
        if not services and not entries:
            self.add(where, f"{what} accepts nothing", "add services: true or entries:")
        return Collect(low, high, terminator, tuple(entries), services)

    def _check_keys_against_commands(
        self, nodes: dict[str, Node], commands: tuple[Command, ...]
    ) -> None:
        taken = {c.key: c.name for c in commands if c.key is not None}
        for node in nodes.values():
            for option in node.options:
                if option.key is not None and option.key in taken:
                    self.add(
                        option.where,
                        f"node {node.id!r} option key {option.key!r} is "
                        f"also the key of the global command {taken[option.key]!r}",
                        "pick another key; global commands work at every node",
                    )

    def _check_operator(self, nodes: dict[str, Node], commands: tuple[Command, ...]) -> None:
        if any(c.name == "operator" for c in commands):
            return
        for node in nodes.values():
            for option in node.options:
                if option.action.kind is ActionKind.OPERATOR:
                    self.add(
                        option.where,
                        f"node {node.id!r} option uses do: operator but the "
                        "menu has no operator command",
                        "add commands: {operator: {route: SERVICE, words: [...]}}",
                    )


def _clean_words(items: YSeq) -> tuple[str, ...] | None:
    """Words of a list that ``Reader.string_list`` would accept without a problem, else None.

    The common case, checked without working out any location; anything else
    goes through ``string_list`` so problems are reported exactly as before.
    """
    out: list[str] = []
    for item in items:
        if isinstance(item, str):
            word = item.strip()
            if not word:
                return None
            out.append(word)
        elif isinstance(item, int) and not isinstance(item, bool):
            out.append(str(item))
        else:
            return None
    return tuple(out)


def _full_day(short: str) -> str:
    return {
        "mon": "monday",
        "tue": "tuesday",
        "wed": "wednesday",
        "thu": "thursday",
        "fri": "friday",
        "sat": "saturday",
        "sun": "sunday",
    }[short]


def _targets(node: Node) -> list[str]:
    actions = [o.action for o in node.options] + [r.action for r in node.branch]
    if node.collect is not None:
        actions += [a for _, a in node.collect.entries]
    return [a.target for a in actions if a.kind is ActionKind.GOTO and a.target]


def _inherit_settings(
    nodes: dict[str, Node], start: str, base: Settings, own: dict[str, set[str]]
) -> dict[str, Node]:
    """Give every node its parent's settings, overridden by its own.

    The tree is the breadth-first spanning tree from the start node: a node's
    parent is the first node that leads to it. Unreachable nodes inherit the
    menu settings (``ivr lint`` reports them).
    """
    parent: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        current = queue.popleft()
        for target in _targets(nodes[current]):
            if target not in parent:
                parent[target] = current
                queue.append(target)
    resolved: dict[str, Settings] = {}

    def settings_for(node_id: str) -> Settings:
        chain = []
        cursor: str | None = node_id
        while cursor is not None and cursor not in resolved:
            chain.append(cursor)
            cursor = parent.get(cursor)
        inherited = resolved[cursor] if cursor is not None else base
        for nid in reversed(chain):
            keys = own.get(nid)
            keys = keys & _SETTINGS_KEY_SET if keys else set()
            if keys:
                node_settings = nodes[nid].settings
                inherited = replace(inherited, **{k: getattr(node_settings, k) for k in keys})
            # search is the node's own: a top menu searching the whole tree does
            # not make every submenu do so. (Settings are frozen, so a node that
            # changes nothing shares its parent's.)
            search = inherited.search if "search" in keys else base.search
            if inherited.search != search:
                inherited = replace(inherited, search=search)
            resolved[nid] = inherited
        return resolved[node_id]

    out: dict[str, Node] = {}
    for node_id, node in nodes.items():
        settings = settings_for(node_id)
        up = parent.get(node_id)
        if _DIRECT_NODE:
            out[node_id] = Node(
                node.id, node.prompt, node.short_prompt, node.help, node.options,
                settings, node.branch, node.collect, up, node.where,
            )  # fmt: skip
        else:
            out[node_id] = replace(node, settings=settings, parent=up)
    return out
