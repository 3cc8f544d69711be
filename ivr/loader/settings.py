"""The sections that say how the menu behaves and sounds, rather than what it offers.

``settings`` (menu-wide, and per node where a node overrides some of them),
``messages`` (the system prompts, defaulting to the built-in ones per
language), ``voices`` and ``limits``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ivr.defaults import DEFAULT_MESSAGES
from ivr.errors import Location
from ivr.fields import key_where, where_of
from ivr.loader.actions import read_action
from ivr.loader.context import Context
from ivr.loader.keys import (
    ACTION_EXTRAS,
    ACTION_KEYS,
    LIMITS_KEYS,
    MESSAGE_KEYS,
    SETTINGS_KEYS,
    VOICE_KEYS,
)
from ivr.loader.texts import lang_text
from ivr.model import ActionKind, LangText, Messages, Settings, Voice
from ivr.yamlsrc import YMap


def read_settings(ctx: Context, raw: Any, where: Location, base: Settings, what: str) -> Settings:
    """``base`` with what ``raw`` changes; the menu's settings, or one node's own."""
    read = ctx.read
    m = read.mapping(raw, where, what)
    if m is None:
        return base
    read.check_keys(m, SETTINGS_KEYS, what)
    changes: dict[str, Any] = {}
    for key, low, high in (("no_input_timeout", 0.5, 120), ("inter_digit_timeout", 0.2, 30)):
        value = read.number(m, key, what, low, high)
        if value is not None:
            changes[key] = value
    for key in ("max_no_input", "max_no_match"):  # 0: no limit (a PBX menu that loops)
        count = read.number(m, key, what, 0, 10, integer=True)
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
            read.check_keys(fm, (*ACTION_KEYS, *ACTION_EXTRAS), f"{what} on_max_failures")
            action = read_action(ctx, fm, f"{what} on_max_failures", fwhere)
            if action is not None:
                if action.kind not in (ActionKind.ROUTE, ActionKind.HANGUP, ActionKind.EXIT):
                    ctx.add(
                        fwhere,
                        "on_max_failures must route, hang up or exit",
                        "use route: SERVICE, do: hangup or do: exit (back to the node that "
                        "entered this one), so a caller who keeps failing is never sent "
                        "round in a loop",
                    )
                else:
                    changes["on_max_failures"] = action
    result = replace(base, **changes)
    if result.reject_below > result.confirm_below:
        ctx.add(
            where,
            f"{what}: reject_below ({result.reject_below:g}) is above "
            f"confirm_below ({result.confirm_below:g})",
            "reject_below must be the lower threshold",
        )
    return result


def read_messages(ctx: Context, root: YMap) -> Messages:
    """Every system prompt in every language: the menu's own, else the built-in one."""
    given: YMap = YMap()
    given.where = root.where
    given.key_where, given.value_where = {}, {}
    if "messages" in root:
        m = ctx.read.mapping(root["messages"], where_of(root, "messages", root.where), "messages")
        if m is not None:
            ctx.read.check_keys(m, MESSAGE_KEYS, "messages")
            given = m
    texts: dict[str, LangText] = {}
    for key, defaults in DEFAULT_MESSAGES.items():
        if key in given and given[key] == "":  # silent, as a PBX is where it says nothing
            texts[key] = LangText(tuple((lang, "") for lang in ctx.langs), ctx.langs[0])
            continue
        if key in given:
            texts[key] = lang_text(ctx, given, key, "messages")
            continue
        found = []
        for lang in ctx.langs:
            if lang not in defaults:
                ctx.add(
                    given.where if "messages" in root else root.where,
                    f"no built-in {key!r} message in {lang!r}",
                    f"add messages: {{{key}: {{{lang}: ...}}}}",
                )
            else:
                found.append((lang, defaults[lang]))
        texts[key] = LangText(tuple(found), ctx.langs[0])
    return Messages(**texts)


def read_voices(ctx: Context, root: YMap) -> dict[str, Voice]:
    """The synthesiser voice per language, for the speech front ends."""
    if "voices" not in root:
        return {}
    where = where_of(root, "voices", root.where)
    m = ctx.read.mapping(root["voices"], where, "voices")
    voices: dict[str, Voice] = {}
    if m is None:
        return voices
    for lang, body in m.items():
        what = f"voice for {lang!r}"
        if lang not in ctx.langs:
            ctx.add(
                key_where(m, lang),
                f"{what}: not one of the menu's languages",
                f"languages: {', '.join(ctx.langs)}",
            )
            continue
        vm = ctx.read.mapping(body, where_of(m, lang, where), what)
        if vm is None:
            continue
        ctx.read.check_keys(vm, VOICE_KEYS, what, required=("voice",))
        voice = ctx.read.string(vm, "voice", what) or ""
        rate = ctx.read.number(vm, "rate", what, 80, 450, integer=True)
        volume = ctx.read.number(vm, "volume", what, 0, 1)
        voices[lang] = Voice(voice, int(rate or 160), 1.0 if volume is None else volume)
    return voices


def read_limits(ctx: Context, root: YMap) -> dict[str, Any]:
    """The ``Menu`` fields that end a runaway call, only those the menu sets."""
    if "limits" not in root:
        return {}
    m = ctx.read.mapping(root["limits"], where_of(root, "limits", root.where), "limits")
    if m is None:
        return {}
    ctx.read.check_keys(m, LIMITS_KEYS, "limits")
    out: dict[str, Any] = {}
    seconds = ctx.read.number(m, "max_call_seconds", "limits", 10, 86400)
    if seconds is not None:
        out["max_call_seconds"] = seconds
    events = ctx.read.number(m, "max_caller_events", "limits", 5, 100000, integer=True)
    if events is not None:
        out["max_caller_events"] = int(events)
    return out
