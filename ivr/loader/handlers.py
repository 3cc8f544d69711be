"""``on_no_input`` / ``on_no_match``: what the n-th silence or wrong answer does.

This is how VoiceXML's ``<noinput count="2">`` and Asterisk's ``t`` and ``i``
extensions are written in a menu: a list of handlers by count, the highest
count not above the node's counter winning, each saying something and then
taking an action, prompting again, or just listening again.
"""

from __future__ import annotations

from dataclasses import replace

from ivr.fields import where_of
from ivr.loader.actions import read_action
from ivr.loader.context import Context
from ivr.loader.keys import ACTION_KEYS, HANDLER_KEYS
from ivr.loader.texts import lang_text
from ivr.model import EMPTY_TEXT, Action, Handler
from ivr.yamlsrc import YMap, YSeq


def read_handlers(ctx: Context, node: YMap, key: str, what: str) -> tuple[Handler, ...]:
    if key not in node:
        return ()
    where = where_of(node, key, node.where)
    raw = node[key]
    if not isinstance(raw, YSeq) or not raw:
        ctx.add(
            where, f"{what} {key} must be a non-empty list", "e.g. - {count: 1, reprompt: true}"
        )
        return ()
    handlers: list[Handler] = []
    counts: set[int] = set()
    for index, body in enumerate(raw):
        hwhere = where_of(raw, index, where)
        hwhat = f"{what} {key} {index + 1}"
        hm = ctx.read.mapping(body, hwhere, hwhat)
        if hm is None:
            continue
        ctx.read.check_keys(hm, HANDLER_KEYS, hwhat)
        count = int(ctx.read.number(hm, "count", hwhat, 1, 100, integer=True) or 1)
        if count in counts:
            ctx.add(hwhere, f"{hwhat} repeats count {count}", "give each handler its own count")
            continue
        counts.add(count)
        say = lang_text(ctx, hm, "say", hwhat)
        action: Action | None = None
        if any(k in hm for k in ACTION_KEYS):
            full = read_action(ctx, hm, hwhat, hwhere)  # with its variables set
            if full is None:
                continue
            action = replace(full, say=EMPTY_TEXT)  # the handler says ``say`` itself
        elif "set" in hm:
            ctx.add(
                where_of(hm, "set", hwhere),
                f"{hwhat} sets variables but takes no action",
                "add the action that uses them (goto: NODE)",
            )
        reprompt = ctx.read.boolean(hm, "reprompt", hwhat) or False
        handlers.append(Handler(count, say, action, reprompt, hwhere))
    return tuple(sorted(handlers, key=lambda h: h.count))
