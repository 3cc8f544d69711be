"""What each dialplan application does to a call, for the importer.

Each handler gets the run so far and the step, and returns the next point (the
run goes on) or the finished action (the run has reached a node, a route or a
hangup). Semantics followed, from asterisk/asterisk: ``main/pbx_builtins.c``
(Answer, Background, Goto, GotoIf, GotoIfTime, Hangup, NoOp, Set, Wait,
WaitExten), ``apps/app_read.c`` (Read), ``apps/app_stack.c`` (Gosub, GosubIf,
Return), ``apps/app_dial.c``, ``apps/app_queue.c`` and
``apps/app_voicemail.c`` (where a call leaves the menu). An application not
listed here is skipped with a warning naming it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from ivr.errors import Location
from ivr.pbx.asterisk.conditions import Malformed, Unsupported, condition_rules, set_value
from ivr.pbx.asterisk.dialplan import Step
from ivr.pbx.asterisk.state import Doc, Frame, Point, Run, clamp
from ivr.pbx.asterisk.timing import BadTiming, windows
from ivr.pbx.asterisk.values import arg, seconds, split_args, split_outside
from ivr.pbx.common import route_digits
from ivr.pbx.yamlout import Commented

if TYPE_CHECKING:
    from ivr.pbx.asterisk.runner import Compiler

MAX_GOSUB = 8  # nested subroutine calls; deeper is taken for endless recursion
Result = Point | Doc
Handler = Callable[["Compiler", Run, Point, Step], Result]

#: Applications that only touch the line (answer it, log, pause): nothing to simulate.
HARMLESS = frozenset({
    "answer", "noop", "verbose", "log", "ringing", "progress", "wait", "waitms",
    "playtones", "stopplaytones", "setmusiconhold", "musiconhold", "startmusiconhold",
    "stopmusiconhold", "set_language", "setlanguage", "userevent", "cdr", "resetcdr",
    "nocdr", "setamaflags",
})  # fmt: skip
#: Applications that send the call elsewhere: the simulator's route.
ROUTES = frozenset({
    "dial", "queue", "voicemail", "voicemailmain", "confbridge", "meetme", "transfer",
    "page", "followme", "directory",
})  # fmt: skip
#: What may run while a Background's prompt can still be interrupted by a digit.
LISTENING = frozenset({
    "background", "playback", "saydigits", "saynumber", "sayalpha", "sayphonetic",
    "waitexten", "set",
}) | HARMLESS  # fmt: skip


def _next(point: Point) -> Point:
    return point.at(point.priority + 1)


def harmless(c: Compiler, run: Run, point: Point, step: Step) -> Result:
    return _next(point)


def unknown(c: Compiler, run: Run, point: Point, step: Step) -> Result:
    c.warn(step.where, f"{step.app}: not simulated; the simulator skips it")
    return _next(point)


def _speak(c: Compiler, run: Run, point: Point, step: Step, texts: list[str]) -> Result:
    if run.prompt is not None:  # a Background is playing: this is part of its prompt
        run.prompt.extend(texts)
    elif any("${" + name + "}" in text for name in run.sets for text in texts):
        return c.flush(run, point, step.where)
    else:
        run.says.extend(texts)
    return _next(point)


def playback(c: Compiler, run: Run, point: Point, step: Step) -> Result:
    files = arg(split_args(step.data), 0)
    return _speak(c, run, point, step, c.sounds(point, files, step.where, run))


def say_digits(c: Compiler, run: Run, point: Point, step: Step) -> Result:
    value = c.subst(point, arg(split_args(step.data), 0), step.where, run)
    spaced = value if "${" in value or step.app.lower() == "saynumber" else " ".join(value)
    return _speak(c, run, point, step, [spaced] if spaced else [])


def background(c: Compiler, run: Run, point: Point, step: Step) -> Result:
    args = split_args(step.data)
    if "p" in arg(args, 1).lower() and arg(args, 1).lower() not in ("skip", "noanswer"):
        return playback(c, run, point, step)
    if arg(args, 3):
        c.warn(step.where, f"Background context {arg(args, 3)}: digits are matched there")
    if not run.listening:
        run.prompt = []
        run.listen_where = step.where
        run.listen_context = c.subst(point, arg(args, 3), step.where, run) or point.context
    return _speak(c, run, point, step, c.sounds(point, arg(args, 0), step.where, run))


def wait_exten(c: Compiler, run: Run, point: Point, step: Step) -> Result:
    wait = seconds(arg(split_args(step.data), 0)) or point.response

    def no_input() -> Doc:
        # a timeout goes on with the next priority when there is one, else to t
        after = _next(point)
        return c.run(after) if c.step(after) is not None else c.timeout(point)

    return c.listen(run, point, run.listen_where or step.where, wait, no_input, "wait")


def read(c: Compiler, run: Run, point: Point, step: Step) -> Result:
    args = [c.subst(point, a, step.where, run) for a in split_args(step.data)]
    name = arg(args, 0)
    if not name:
        c.warn(step.where, "Read without a variable: Asterisk does nothing, nor does ivr")
        return _next(point)
    options = arg(args, 3)
    if "i" in options:
        c.warn(step.where, f"Read option i: the tone {arg(args, 1)} is not played")
    prompt = [] if "i" in options else c.sounds(point, arg(args, 1), step.where, run)
    says = run.says
    if not prompt:
        prompt, says = says, []
    terminator = "#"
    if "t" in options:
        chosen = options.split("t", 1)[1].strip("()")
        terminator = chosen[:1] if chosen[:1] in ("#", "*") else "none"
    limit = int(arg(args, 2)) if arg(args, 2).isdigit() else 0
    attempts = int(arg(args, 4)) if arg(args, 4).isdigit() else 1
    if attempts > 100:
        c.warn(step.where, f"Read attempts {attempts}: the simulator allows at most 100")
    timeout = seconds(arg(args, 5))
    key = ("read", point, tuple(prompt))

    def build() -> Doc:
        done = c.run(_next(point))
        empty = c.run(_next(point), {name: ""})
        at = f"{step.where.file}:{step.where.line}"
        body: Doc = {"prompt": " ".join(prompt)} if prompt else {}
        body["settings"] = {
            "no_input_timeout": clamp(timeout or point.response, 0.5, 120),
            "inter_digit_timeout": clamp(timeout or point.digit, 0.2, 30),
        }
        keys = "0-9*#" if terminator == "none" else "0-9*#".replace(terminator, "")
        body["collect"] = {
            "min_digits": 1,
            "max_digits": limit if 0 < limit <= 32 else 32,
            "terminator": terminator,
            "into": name,
            "patterns": [Commented({"match": f"/^[{keys}]+$/", **done}, at)],
        }
        # each attempt without a digit plays the prompt again; after the last, Read
        # goes on with the variable empty (app_read.c's tries)
        tries = max(1, min(100, attempts))
        retry = [Commented({"count": 1, "reprompt": True}, at)] if tries > 1 else []
        body["on_no_input"] = [*retry, Commented({"count": tries, **empty}, at)]
        body["on_no_match"] = [Commented({"count": 1, **empty}, at)]
        return body

    node = c.node(key, point.context, name, step.where, build)
    run.says = says
    return run.finish({"goto": node})


def set_app(c: Compiler, run: Run, point: Point, step: Step) -> Result:
    pairs = [step.data] if step.app.lower() == "set" else split_args(step.data)
    assigned: list[tuple[str, str]] = []
    for pair in pairs:
        name, equals, value = pair.partition("=")
        name = name.strip()
        if not equals or not name:
            c.warn(step.where, f"{step.app}({pair}): no name=value; skipped")
            continue
        value = c.subst(point, value, step.where, run)
        upper = name.upper()
        if upper in ("TIMEOUT(DIGIT)", "TIMEOUT(RESPONSE)"):
            timeout = seconds(value)
            if timeout is None:
                c.warn(step.where, f"{name}={value}: not a number of seconds; left as it was")
            elif upper == "TIMEOUT(DIGIT)":
                point = _timeouts(point, digit=timeout)
            else:
                point = _timeouts(point, response=timeout)
            continue
        if upper.startswith("GLOBAL(") and upper.endswith(")"):
            name = name[7:-1]
        elif "(" in name:
            c.warn(step.where, f"Set {name}: the function is not simulated; skipped")
            continue
        name = name.lstrip("_")
        text, exact = set_value(value)
        if not exact:
            c.warn(step.where, f"Set {name}={value}: the expression is not computed; kept as text")
        assigned.append((name, text))
    said_before = any("${" + n + "}" in text for n, _ in assigned for text in run.says)
    if not run.listening and (said_before or any(run.needs_flush(n, v) for n, v in assigned)):
        return c.flush(run, point, step.where)
    if run.listening and assigned:
        c.warn(step.where, f"{step.app} while a Background plays: set before the prompt")
    for name, text in assigned:
        run.sets[name] = text
    return _next(point)


def _timeouts(point: Point, digit: float | None = None, response: float | None = None) -> Point:
    return replace(
        point,
        digit=point.digit if digit is None else digit,
        response=point.response if response is None else response,
    )


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
        from ivr.pbx.common import pbx_error

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


def hangup(c: Compiler, run: Run, point: Point, step: Step) -> Result:
    return run.finish({"do": "hangup"})


def route(c: Compiler, run: Run, point: Point, step: Step) -> Result:
    data = c.subst(point, step.data, step.where, run)
    target = f"{step.app}({data})"
    number = None
    if step.app.lower() == "dial" and "${" not in data:
        number = device_digits(arg(split_args(data), 0))
    after = c.step(_next(point))
    if after is not None and after.app.lower() != "hangup":
        c.warn(
            step.where,
            f"{step.app}: the simulated call ends here, routed; line {after.where.line} and "
            "after run only when the call fails on the PBX",
        )
    return run.finish({"route": c.service(target, number, step.where)})


def device_digits(devices: str) -> str | None:
    """The number a Dial string calls: ``SIP/100``, ``PJSIP/02800@trunk``,
    ``Local/113@ctx``, ``SIP/trunk/004712345678`` (the first of ``&``-joined ones)."""
    first = devices.split("&")[0].strip()
    _, slash, rest = first.partition("/")
    last = (rest if slash else first).split("/")[-1].split("@")[0]
    return route_digits(last)


def unsupported(c: Compiler, run: Run, point: Point, step: Step) -> Result:
    c.warn(step.where, f"{step.app}: not simulated (it runs other code); the simulator skips it")
    return _next(point)


HANDLERS: dict[str, Handler] = {
    **dict.fromkeys(HARMLESS, harmless),
    **dict.fromkeys(ROUTES, route),
    "playback": playback,
    "background": background,
    "saydigits": say_digits,
    "saynumber": say_digits,
    "sayalpha": say_digits,
    "sayphonetic": say_digits,
    "waitexten": wait_exten,
    "read": read,
    "set": set_app,
    "mset": set_app,
    "goto": goto,
    "gotoif": goto_if,
    "gotoiftime": goto_if_time,
    "gosub": gosub,
    "gosubif": goto_if,
    "return": return_app,
    "stackpop": stack_pop,
    "hangup": hangup,
    "busy": hangup,
    "congestion": hangup,
    "execif": unsupported,
    "macro": unsupported,
    "agi": unsupported,
    "eagi": unsupported,
    "exec": unsupported,
}
