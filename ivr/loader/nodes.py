"""The nodes: each a menu of options, a branch on the time of day, or a digit collector.

A node's settings here are only its own; what it inherits from the nodes
above it is added once the whole tree is known (``ivr.loader.resolve``).
"""

from __future__ import annotations

from typing import Any

from ivr.errors import Location
from ivr.fields import describe, where_of
from ivr.loader.actions import phone_key, read_action
from ivr.loader.branch import read_branch
from ivr.loader.context import Context
from ivr.loader.handlers import read_handlers
from ivr.loader.keys import COLLECT_KEYS, ENTRY_KEYS, NODE_KEYS, OPTION_KEYS, VAR_NAME
from ivr.loader.patterns import read_patterns
from ivr.loader.settings import read_settings
from ivr.loader.speed import DEFAULT_SETTINGS
from ivr.loader.texts import lang_text, phrases
from ivr.model import (
    Action,
    BranchRule,
    Collect,
    LangText,
    Node,
    Option,
    Phrases,
)
from ivr.yamlsrc import YMap, YSeq


def read_node(ctx: Context, node_id: str, raw: Any, where: Location) -> Node | None:
    """One node, without a parent yet; records the settings keys it sets itself."""
    what = f"node {node_id!r}"
    m = ctx.read.mapping(raw, where, what)
    if m is None:
        return None
    ctx.read.check_keys(m, NODE_KEYS, what)
    kinds = [k for k in ("options", "branch", "collect") if k in m]
    if len(kinds) != 1:
        ctx.add(
            where,
            f"{what} has {' and '.join(kinds) if kinds else 'none'} of options/branch/collect",
            "give a node exactly one of them",
        )
        return None
    # a branch runs before anything is said, and a PBX may wait for digits in silence
    prompt = lang_text(ctx, m, "prompt", what, required=kinds[0] == "options")
    short = lang_text(ctx, m, "short_prompt", what)
    help_text = lang_text(ctx, m, "help", what)
    settings = DEFAULT_SETTINGS
    own: YMap | None = None
    if "settings" in m:
        own = ctx.read.mapping(m["settings"], where_of(m, "settings", where), f"{what} settings")
        if own is not None:
            settings = read_settings(ctx, own, own.where, DEFAULT_SETTINGS, f"{what} settings")
    options: tuple[Option, ...] = ()
    branch: tuple[BranchRule, ...] = ()
    collect: Collect | None = None
    if kinds[0] == "options":
        options = _options(ctx, node_id, m["options"], where_of(m, "options", where))
    elif kinds[0] == "branch":
        branch = read_branch(ctx, node_id, m["branch"], where_of(m, "branch", where))
    else:
        collect = _collect(ctx, node_id, m["collect"], where_of(m, "collect", where))
    node = Node(
        node_id,
        prompt,
        short,
        help_text,
        options,
        settings,
        branch,
        collect,
        None,
        where,
        on_no_input=read_handlers(ctx, m, "on_no_input", what),
        on_no_match=read_handlers(ctx, m, "on_no_match", what),
    )
    ctx.own_settings[node_id] = set(own) if own is not None else set()
    return node


def _options(ctx: Context, node_id: str, raw: Any, where: Location) -> tuple[Option, ...]:
    if not isinstance(raw, YSeq) or not raw:
        ctx.add(
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
        om = ctx.read.mapping(body, owhere, what)
        if om is None:
            continue
        ctx.read.check_keys(om, OPTION_KEYS, what)
        key = phone_key(ctx, om, what)
        if key is not None:
            if key in keys:
                ctx.add(
                    where_of(om, "key", owhere),
                    f"{what} uses key {key!r}, already used by option {keys[key]}",
                    "give each option its own key",
                )
            else:
                keys[key] = index + 1
        words = phrases(ctx, om, "words", what)
        if "key" not in om and not words.all():
            ctx.add(
                owhere,
                f"{what} has neither a key nor words",
                "add key: or words: so callers can choose it",
            )
        label = lang_text(ctx, om, "label", what)
        action = read_action(ctx, om, what, owhere)
        if action is None:
            continue
        if not label:
            label = _default_label(ctx, action, words, key)
        option_id = f"{node_id}.{key}" if key is not None else f"{node_id}.w{index + 1}"
        examples = phrases(ctx, om, "examples", what)
        options.append(
            Option(option_id, node_id, key, words, label, action, owhere, examples=examples)
        )
    return tuple(options)


def _default_label(ctx: Context, action: Action, words: Phrases, key: str | None) -> LangText:
    """What a prompt calls an option without a label: its first word, else where it goes."""
    texts = []
    for lang in ctx.langs:
        said = words.get(lang)
        texts.append((lang, said[0] if said else (action.target or key or "this")))
    return LangText(tuple(texts), ctx.langs[0])


def _collect(ctx: Context, node_id: str, raw: Any, where: Location) -> Collect | None:
    what = f"node {node_id!r} collect"
    m = ctx.read.mapping(raw, where, what)
    if m is None:
        return None
    ctx.read.check_keys(m, COLLECT_KEYS, what, required=("max_digits",))
    low = int(ctx.read.number(m, "min_digits", what, 1, 32, integer=True) or 1)
    high = int(ctx.read.number(m, "max_digits", what, 1, 32, integer=True) or 1)
    if low > high:
        ctx.add(where, f"{what}: min_digits {low} is above max_digits {high}", "swap them")
    terminator = "#"
    if "terminator" in m:
        value = m["terminator"]
        if value in ("#", "*"):
            terminator = value
        elif value == "none":
            terminator = ""
        else:
            ctx.add(
                where_of(m, "terminator", where),
                f'{what} terminator must be "#", "*" or none, not {describe(value)}',
                'write terminator: "#" (quoted)',
            )
    into = ctx.read.string(m, "into", what) if "into" in m else None
    if into is not None and not VAR_NAME.match(into):
        ctx.add(
            where_of(m, "into", where),
            f"{what} into: {into!r} is not a variable name",
            "use letters, digits and _, starting with a letter",
        )
        into = None
    early = ctx.read.boolean(m, "early", what) or False
    back = ctx.read.boolean(m, "back", what)
    services = ctx.read.boolean(m, "services", what) or False
    entries: list[tuple[str, Action]] = []
    if "entries" in m:
        em = ctx.read.mapping(m["entries"], where_of(m, "entries", where), f"{what} entries")
        for digits, body in (em or {}).items():
            ewhere = where_of(em, digits, where)
            text = str(digits)
            if not text or any(c not in "0123456789*#" for c in text):
                ctx.add(
                    ewhere,
                    f"{what} entry {digits!r} is not digits",
                    'quote the digits, e.g. "0042": (keys 0-9, * and #)',
                )
                continue
            am = ctx.read.mapping(body, ewhere, f"{what} entry {text}")
            if am is None:
                continue
            ctx.read.check_keys(am, ENTRY_KEYS, f"{what} entry {text}")
            action = read_action(ctx, am, f"{what} entry {text}", ewhere)
            if action is not None:
                entries.append((text, action))
    patterns = read_patterns(ctx, m, what, where)
    if not services and not entries and not patterns:
        ctx.add(where, f"{what} accepts nothing", "add services: true, entries: or patterns:")
    return Collect(
        low, high, terminator, tuple(entries), services, patterns, into, early, back is not False
    )
