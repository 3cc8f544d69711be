"""Conditions only known while the call runs, as branch nodes on call variables.

ivr branch rules compare one call variable with a value (``=``, ``!=``, ``<``,
``<=``, ``>``, ``>=``, numbers as numbers); ``!``, ``&&`` and ``||`` become
nested branches, and a bare variable is true unless it is empty or
``false`` (ECMAScript's truthiness for the strings a call holds). The one
function call read is ``ivr_within(days, from, to)``, the time-window helper
an ivr export defines in a ``<script>``: it is ivr's time-of-day branch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ivr.pbx.voicexml import script

if TYPE_CHECKING:
    from ivr.pbx.voicexml.flow import Doc

Action = dict[str, Any]
_OPS = {"==": "=", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
_FLIP = {"=": "=", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


def decide(doc: Doc, cond: script.Expr, then: Action, other: Action, line: int) -> Action:
    """``then`` when ``cond`` holds while the call runs, else ``other``."""
    if isinstance(cond, script.Not):
        return decide(doc, cond.operand, other, then, line)
    if isinstance(cond, script.Binary) and cond.op == "&&":
        return decide(doc, cond.left, decide(doc, cond.right, then, other, line), other, line)
    if isinstance(cond, script.Binary) and cond.op == "||":
        return decide(doc, cond.left, then, decide(doc, cond.right, then, other, line), line)
    if isinstance(cond, script.Var):
        rules = [
            {"when": {"var": cond.name, "op": "=", "value": ""}, **other},
            {"when": {"var": cond.name, "op": "=", "value": "false"}, **other},
            {"otherwise": True, **then},
        ]
        return {"goto": doc.branch_node(f"if_{cond.name}", rules, line)}
    if isinstance(cond, script.Binary) and cond.op in _OPS:
        left, right, op = cond.left, cond.right, _OPS[cond.op]
        if isinstance(left, script.Lit) and isinstance(right, script.Var):
            left, right, op = right, left, _FLIP[op]
        if isinstance(left, script.Var) and isinstance(right, script.Lit):
            when = {
                "var": left.name,
                "op": op,
                "value": script.as_text(right.value) if right.value is not None else "",
            }
            rules = [{"when": when, **then}, {"otherwise": True, **other}]
            return {"goto": doc.branch_node(f"if_{left.name}", rules, line)}
    if isinstance(cond, script.Call) and cond.name == doc.time_helper:
        window = _window(cond)
        if window is not None:
            rules = [{"when": window, **then}, {"otherwise": True, **other}]
            return {"goto": doc.branch_node("if_time", rules, line)}
    doc.warn(line, "a condition beyond comparing a variable with a value: taken as false")
    return other


def _window(call: script.Call) -> dict[str, str] | None:
    """``ivr_within('mon,tue', '08:00', '16:00')`` (the helper an ivr export writes)."""
    args = [a.value for a in call.args if isinstance(a, script.Lit)]
    if len(args) != 3 or not all(isinstance(a, str) for a in args):
        return None
    days, start, end = (str(a) for a in args)
    return {"days": days, "time": f"{start}-{end}"}
