"""Where a dialplan jumps: Goto, GotoIf, GotoIfTime, Gosub, GosubIf, Return, StackPop.

A jump to a place known at import time keeps the run going; a test of the
call's variables or of the time becomes a branch node (decided at import when
its condition has no variables). Semantics followed: ``pbx_builtin_goto``,
``pbx_builtin_gotoif`` and ``pbx_builtin_gotoiftime`` in asterisk/asterisk
``main/pbx_builtins.c`` (a missing branch goes on with the next priority),
``ast_parseable_goto`` in ``main/pbx.c`` (``[[context,]exten,]priority``, a
priority a number, ``+N``/``-N`` or a label), and ``apps/app_stack.c`` (Gosub
pushes the next priority and sets ``${ARGn}``; Return pops it and sets
``${GOSUB_RETVAL}``; StackPop forgets it). Subroutines are inlined per call site.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from ivr.errors import Location
from ivr.pbx.asterisk.conditions import Malformed, Unsupported, condition_rules
from ivr.pbx.asterisk.dialplan import Step
from ivr.pbx.asterisk.state import Doc, Frame, Point, Run
from ivr.pbx.asterisk.timing import BadTiming, windows
from ivr.pbx.asterisk.values import split_args, split_outside
from ivr.pbx.common import pbx_error
from ivr.pbx.yamlout import Commented

if TYPE_CHECKING:
    from ivr.pbx.asterisk.runner import Compiler

MAX_GOSUB = 8  # nested subroutine calls; deeper is taken for endless recursion
Result = Point | Doc


def _next(point: Point) -> Point:
    return point.at(point.priority + 1)


def goto(c: Compiler, run: Run, point: Point, step: Step) -> Result:
    target = _resolve(c, point, c.subst(point, step.data, step.where, run), step.where)
    return target if target is not None else run.finish({"do": "hangup"})


def _resolve(c: Compiler, point: Point, spec: str, where: Location) -> Point | None:
    """Where ``Goto([[context,]exten,]priority)`` leads (``ast_parseable_goto``)."""
    parts = [p.strip() for p in split_args(spec.replace("|", ","))]
    if not 1 <= len(parts) <= 3 or not parts[-1]:
        c.warn(where, f"Goto({spec}): not a place; the simulator hangs up")
        return None
    context = parts[0] if len(parts) == 3 else point.context
    owner, exten, value = point.owner, point.exten, point.value
    if len(parts) > 1:
        wanted = parts[-2]
        if "${" in wanted or "${" in context:
            c.warn(where, f"Goto({spec}): a computed place is not simulated; hangs up")
            return None
        found = c.find(context, wanted, where)
        if found is None:
            c.warn(where, f"Goto({spec}): no extension {wanted} in {context}; hangs up")
            return None
        owner, extension = found
        exten, value = extension.name, wanted
    priority_text = parts[-1]
    if priority_text.isdigit():
        priority = int(priority_text)
    elif priority_text[:1] in "+-" and priority_text[1:].isdigit():
        priority = point.priority + int(priority_text)
    else:
        extension = c.plan.contexts[owner].extensions[exten]
        found_label = extension.label(priority_text)
        if found_label is None:
            c.warn(where, f"Goto({spec}): no label {priority_text}; the simulator hangs up")
            return None
        priority = found_label
    return Point(context, owner, exten, value, priority, point.stack, point.args,
                 point.digit, point.response)  # fmt: skip


def _gosub_target(c: Compiler, point: Point, spec: str, where: Location) -> Point | None:
    """Where ``Gosub([[context,]exten,]priority[(args)])`` leads, with the return pushed."""
    location, paren, rest = spec.partition("(")
    args = tuple(a.strip() for a in split_args(rest[: rest.rfind(")")])) if paren else ()
    target = _resolve(c, point, location, where)
    if target is None:
        return None
    if len(point.stack) >= MAX_GOSUB:
        raise pbx_error(
            where,
            f"Gosub nested deeper than {MAX_GOSUB} calls (a subroutine that calls itself?)",
            "end the recursion with Return",
        )
    frame = Frame(point.context, point.owner, point.exten, point.value, point.priority + 1,
                  point.args)  # fmt: skip
    return Point(target.context, target.owner, target.exten, target.value, target.priority,
                 (*point.stack, frame), args, point.digit, point.response)  # fmt: skip


def gosub(c: Compiler, run: Run, point: Point, step: Step) -> Result:
    target = _gosub_target(c, point, c.subst(point, step.data, step.where, run), step.where)
    return target if target is not None else run.finish({"do": "hangup"})


def return_app(c: Compiler, run: Run, point: Point, step: Step) -> Result:
    if not point.stack:
        c.warn(step.where, "Return without a Gosub: Asterisk hangs up, and so does ivr")
        return run.finish({"do": "hangup"})
    value = c.subst(point, step.data, step.where, run).strip()
    if value:
        if run.needs_flush("GOSUB_RETVAL", value):
            return c.flush(run, point, step.where)
        run.sets["GOSUB_RETVAL"] = value
    frame = point.stack[-1]
    return Point(frame.context, frame.owner, frame.exten, frame.value, frame.priority,
                 point.stack[:-1], frame.args, point.digit, point.response)  # fmt: skip


def stack_pop(c: Compiler, run: Run, point: Point, step: Step) -> Result:
    """Forget the latest Gosub's return address (app_stack.c StackPop)."""
    if not point.stack:
        c.warn(step.where, "StackPop without a Gosub: nothing to forget")
        return _next(point)
    return replace(_next(point), stack=point.stack[:-1])


def goto_if(c: Compiler, run: Run, point: Point, step: Step) -> Result:
    data = c.subst(point, step.data, step.where, run)
    condition, rest = split_outside(data, "?")
    if rest is None:
        c.warn(step.where, f"{step.app}({data}): no '?'; skipped")
        return _next(point)
    yes, no = split_outside(rest, ":")
    try:
        rules = condition_rules(condition)
    except Malformed as problem:
        c.warn(
            step.where,
            f"{step.app} condition {condition}: {problem}, a syntax error to Asterisk too "
            "(is a variable empty here?); false, as on the PBX",
        )
        rules = [(None, False)]
    except Unsupported as problem:
        c.warn(step.where, f"{step.app} condition {condition}: {problem}; takes the false branch")
        rules = [(None, False)]
    whens = [(w.doc() if w is not None else None, outcome) for w, outcome in rules]
    return _branch(c, run, point, step, whens, {True: yes, False: no})


def goto_if_time(c: Compiler, run: Run, point: Point, step: Step) -> Result:
    data = c.subst(point, step.data, step.where, run)
    spec, rest = split_outside(data, "?")
    yes, no = split_outside(rest or "", ":")
    try:
        found, ignored = windows(spec)
    except BadTiming as problem:
        c.warn(step.where, f"GotoIfTime {spec}: {problem}; takes the false branch")
        found, ignored = [], []
    for what in ignored:
        c.warn(step.where, f"GotoIfTime {what}: not simulated; only times and weekdays count")
    whens: list[tuple[Doc | None, bool]] = [(w.doc(), True) for w in found]
    return _branch(c, run, point, step, [*whens, (None, False)], {True: yes, False: no})


def _branch(
    c: Compiler,
    run: Run,
    point: Point,
    step: Step,
    whens: list[tuple[Doc | None, bool]],
    targets: dict[bool, str | None],
) -> Result:
    gosub_too = step.app.lower() == "gosubif"

    def place(outcome: bool) -> Point | None:
        spec = (targets[outcome] or "").strip()
        if not spec:
            return _next(point)
        if gosub_too:
            return _gosub_target(c, point, spec, step.where)
        return _resolve(c, point, spec, step.where)

    if len(whens) == 1:  # decided at import: no node
        target = place(whens[0][1])
        return target if target is not None else run.finish({"do": "hangup"})

    def build() -> Doc:
        actions: dict[bool, Doc] = {}
        for outcome in (True, False):
            target = place(outcome)
            actions[outcome] = c.run(target) if target is not None else {"do": "hangup"}
        at = f"{step.where.file}:{step.where.line}"
        rules = [
            Commented({**({"when": w} if w is not None else {"otherwise": True}), **actions[o]}, at)
            for w, o in whens
        ]
        return {"branch": rules}

    node = c.node(("branch", point), point.context, f"l{step.where.line}", step.where, build)
    return run.finish({"goto": node})
