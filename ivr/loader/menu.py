"""The top of a menu file: its own keys, then every section in the order they depend.

Node and service ids are gathered first, so references between sections
resolve wherever they stand; every problem is collected and raised together
before the tree is resolved (``ivr.loader.resolve``).
"""

from __future__ import annotations

import re
from typing import Any

from ivr.fields import key_where, where_of
from ivr.loader.actions import read_sets
from ivr.loader.commands import read_commands
from ivr.loader.context import Context
from ivr.loader.keys import ID, MENU_KEYS
from ivr.loader.nodes import read_node
from ivr.loader.resolve import check_keys_against_commands, check_operator, inherit_settings
from ivr.loader.services import read_services, read_shortcuts
from ivr.loader.settings import read_limits, read_messages, read_settings, read_voices
from ivr.model import ENGINES, Menu, Node, Settings
from ivr.yamlsrc import YMap

_LANG = re.compile(r"^[a-z]{2,3}$")


def build_menu(file: str, data: Any) -> Menu:
    """The menu in ``data`` (as ``load_yaml`` gives it); raises ``MenuErrors`` on any problem."""
    ctx = Context(file)
    read = ctx.read
    root = read.mapping(data, ctx.top, "a menu file")
    if root is None:
        ctx.problems.raise_if_any()
        raise RuntimeError("a non-mapping menu was not reported")
    read.check_keys(root, MENU_KEYS, "the menu", required=("menu", "start", "nodes"))
    ctx.langs = _languages(ctx, root)
    menu_id = read.string(root, "menu", "the menu") or "menu"
    title = read.string(root, "title", "the menu") or menu_id
    engine = read.choice(root, "engine", "the menu", ENGINES) or "auto"

    nodes_map = read.mapping(root.get("nodes"), where_of(root, "nodes", root.where), "nodes")
    if nodes_map is not None:
        for node_id in nodes_map:
            if not isinstance(node_id, str) or not ID.match(node_id):
                ctx.add(
                    key_where(nodes_map, node_id),
                    f"node id {node_id!r} is not valid",
                    "use letters, digits, _ and -, starting with a letter",
                )
            else:
                ctx.node_ids.add(node_id)
    raw_services = root.get("services", YMap())
    services = read_services(ctx, raw_services, where_of(root, "services", root.where))
    start = read.string(root, "start", "the menu")
    if start is not None and start not in ctx.node_ids:
        ctx.add(
            where_of(root, "start", root.where),
            f"start node {start!r} is not defined",
            ctx.suggest(start, ctx.node_ids, "nodes"),
        )

    settings_raw = root.get("settings")
    base = Settings()
    if settings_raw is not None:
        base = read_settings(
            ctx, settings_raw, where_of(root, "settings", root.where), base, "menu settings"
        )
    messages = read_messages(ctx, root)
    commands = read_commands(ctx, root)
    shortcuts = read_shortcuts(ctx, root)
    voices = read_voices(ctx, root)
    limits = read_limits(ctx, root)
    variables = read_sets(ctx, root, "variables", root.where, key="variables")
    nodes: dict[str, Node] = {}
    if nodes_map is not None:
        for node_id, raw in nodes_map.items():
            if node_id in ctx.node_ids:
                node = read_node(ctx, node_id, raw, where_of(nodes_map, node_id, nodes_map.where))
                if node is not None:
                    nodes[node_id] = node
    check_keys_against_commands(ctx, nodes, commands)
    check_operator(ctx, nodes, commands)
    ctx.problems.raise_if_any()
    if start is None:  # already reported; raise_if_any has raised
        raise RuntimeError("start node missing without an error")
    nodes = inherit_settings(nodes, start, base, ctx.own_settings)
    return Menu(
        id=menu_id,
        title=title,
        file=file,
        start=start,
        languages=ctx.langs,
        nodes=nodes,
        services=services,
        commands=commands,
        shortcuts=shortcuts,
        messages=messages,
        voices=voices,
        engine=engine,
        variables=variables,
        **limits,
    )


def _languages(ctx: Context, root: YMap) -> tuple[str, ...]:
    """The menu's language codes, the first the default; ``("en",)`` when none are given."""
    if "languages" not in root:
        return ("en",)
    where = where_of(root, "languages", root.where)
    langs = ctx.read.string_list(root["languages"], where, "languages")
    good: list[str] = []
    for lang in langs:
        if not _LANG.match(lang):
            ctx.add(where, f"language {lang!r} is not a language code", "use codes like en or nb")
        elif lang in good:
            ctx.add(where, f"language {lang!r} is listed twice", "list each language once")
        else:
            good.append(lang)
    if not good:
        ctx.add(where, "languages is empty", "e.g. languages: [en, nb]")
        return ("en",)
    return tuple(good)
