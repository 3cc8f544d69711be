"""What each dialplan application does to a call, for the importer.

Each handler gets the run so far and the step, and returns the next point (the
run goes on) or the finished action (the run has reached a node, a route or a
hangup). Semantics followed, from asterisk/asterisk: ``main/pbx_builtins.c``
(Answer, Background, Hangup, NoOp, Set, Wait, WaitExten), ``apps/app_read.c``
(Read), ``apps/app_dial.c``, ``apps/app_queue.c`` and ``apps/app_voicemail.c``
(where a call leaves the menu); the jumps are in ``jumps``. An application not
listed here is skipped with a warning naming it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from ivr.pbx.asterisk import jumps
from ivr.pbx.asterisk.conditions import set_value
from ivr.pbx.asterisk.dialplan import Step
from ivr.pbx.asterisk.state import Doc, Point, Run, clamp
from ivr.pbx.asterisk.values import arg, seconds, split_args
from ivr.pbx.common import route_digits
from ivr.pbx.yamlout import Commented

if TYPE_CHECKING:
    from ivr.pbx.asterisk.runner import Compiler

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
    "goto": jumps.goto,
    "gotoif": jumps.goto_if,
    "gotoiftime": jumps.goto_if_time,
    "gosub": jumps.gosub,
    "gosubif": jumps.goto_if,
    "return": jumps.return_app,
    "stackpop": jumps.stack_pop,
    "hangup": hangup,
    "busy": hangup,
    "congestion": hangup,
    "execif": unsupported,
    "macro": unsupported,
    "agi": unsupported,
    "eagi": unsupported,
    "exec": unsupported,
}
