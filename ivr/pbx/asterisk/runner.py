"""The importer's abstract interpreter: runs the dialplan without a caller.

From a point it runs the priorities as Asterisk's PBX loop does
(``__ast_pbx_run`` in asterisk/asterisk ``main/pbx.c``), gathering what is said
and set, until the dialplan waits for the caller (WaitExten, Read, a Background
that falls off its extension) or branches on something only the call knows
(GotoIf, GotoIfTime). Each such place becomes one node of the ivr menu; what was
said and set on the way becomes the ``say``/``set`` of the action that leads
there. A node that waits for digits offers the context's extensions as entries
and patterns (submitted as soon as no longer extension could match, as
``collect_digits`` does), its ``t`` extension (or the priority after WaitExten)
on no input and its ``i`` extension on no match; without them Asterisk hangs up.

The applications themselves are in ``ivr.pbx.asterisk.apps``.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import replace
from functools import partial

from ivr.errors import Location
from ivr.pbx.asterisk.dialplan import Dialplan, Extension, Step
from ivr.pbx.asterisk.patterns import dialable, length_range, match, regex, substring_groups
from ivr.pbx.asterisk.patterns import substring as cut
from ivr.pbx.asterisk.state import Doc, Point, Run, clamp
from ivr.pbx.asterisk.values import VarRef, spoken, substitute, with_globals
from ivr.pbx.common import PbxWarning, node_id, pbx_error
from ivr.pbx.yamlout import Commented

MAX_NODES = 2000
#: A context name that is already a valid node id is kept as it is.
ID = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
MAX_STEPS = 10_000  # priorities one run may take before it must have waited
MAX_DIGITS = 32  # the longest entry a collect node takes
MIN_WAIT = 0.5  # the shortest no-input timeout the simulator has
HANDLER = Callable[["Compiler", Run, Point, Step], "Point | Doc"]


class Compiler:
    """Compiles the dialplan into nodes, one per place the call waits or branches."""

    def __init__(self, plan: Dialplan, texts: dict[str, str]) -> None:
        self.plan = plan
        self.texts = texts
        self.nodes: dict[str, Commented] = {}
        self.services: dict[str, Commented] = {}
        self.warnings: list[PbxWarning] = []
        self.keys: dict[Hashable, str] = {}
        self.order: list[str] = []
        self.used: set[str] = set()  # node ids given out
        self.counts: dict[str, int] = {}  # the last number given to a name in use
        self.pending: deque[tuple[str, Location, Callable[[], Doc]]] = deque()
        self.grouped: set[tuple[str, str]] = set()  # patterns whose digits are cut
        self.pattern_items: list[tuple[Doc, str, str]] = []
        self.in_subroutine: set[str] = set()  # nodes where a Gosub has not returned
        self.context_of: dict[str, str] = {}  # node -> the context it waits or branches in
        self._missing: set[str] = set()

    # -- what the dialplan holds ----------------------------------------------------
    def warn(self, where: Location, text: str) -> None:
        warning = PbxWarning(where, text)
        if warning not in self.warnings:
            self.warnings.append(warning)

    def ordered(self, context: str, where: Location) -> list[tuple[str, Extension]]:
        """(owner, extension) in the order Asterisk tries them in ``context``: its own,
        then each included context's, depth first (``pbx_find_extension``)."""
        out: list[tuple[str, Extension]] = []
        names: set[str] = set()
        todo = [context]
        seen: set[str] = set()
        while todo:
            name = todo.pop(0)
            if name in seen:
                continue
            seen.add(name)
            found = self.plan.contexts.get(name)
            if found is None:
                if name != context and name not in self._missing:
                    self._missing.add(name)
                    self.warn(where, f"include => {name}: no such context in this file; left out")
                continue
            for extension in found.ordered():
                if extension.name not in names:
                    names.add(extension.name)
                    out.append((name, extension))
            todo[0:0] = [included for included, _ in found.includes]
        return out

    def find(self, context: str, value: str, where: Location) -> tuple[str, Extension] | None:
        """The extension ``value`` (a name or dialled digits) reaches in ``context``."""
        for owner, extension in self.ordered(context, where):
            if match(extension.name, value):
                return owner, extension
        return None

    def step(self, point: Point) -> Step | None:
        context = self.plan.contexts.get(point.owner)
        extension = context.extensions.get(point.exten) if context is not None else None
        return extension.steps.get(point.priority) if extension is not None else None

    def subst(self, point: Point, text: str, where: Location, run: Run | None = None) -> str:
        """``text`` with what is known at this point filled in: ``${EXTEN}``, a
        Gosub's ``${ARGn}``, and variables this run has set to a constant."""
        problems: list[str] = []
        constants = {k: v for k, v in (run.sets if run else {}).items() if "${" not in v}

        def known(ref: VarRef) -> str | None:
            if ref.name in constants:
                return cut(constants[ref.name], ref.offset, ref.length)
            if ref.name == "EXTEN":
                if point.value is not None:
                    return cut(point.value, ref.offset, ref.length)
                if ref.whole:
                    return None
                if ref.length is None or ref.length >= 0:  # the simulator cuts these itself
                    tail = "" if ref.length is None else f":{ref.length}"
                    return f"${{EXTEN:{ref.offset}{tail}}}"
                groups = substring_groups(point.exten, ref.offset, ref.length)
                if groups is not None:
                    self.grouped.add((point.owner, point.exten))
                return groups
            if ref.name == "CONTEXT":
                return cut(point.context, ref.offset, ref.length)
            arg = re.fullmatch(r"ARG(\d+)", ref.name)
            if arg and point.stack:
                index = int(arg.group(1)) - 1
                value = point.args[index] if index < len(point.args) else ""
                return cut(value, ref.offset, ref.length)
            return None

        out = substitute(text, known, problems)
        for problem in problems:
            self.warn(where, problem)
        return out

    def sounds(
        self, point: Point, files: str, where: Location, run: Run | None = None
    ) -> list[str]:
        """The texts of ``file&file`` (an export's own words when known, else the names)."""
        out: list[str] = []
        for name in self.subst(point, files, where, run).split("&"):
            name = with_globals(name.strip().strip("'"), self.plan.globals)
            if not name or name.lower().startswith("silence/"):
                continue
            base = name.rsplit("/", 1)[-1]
            text = self.texts.get(base) or self.texts.get(name) or spoken(name)
            if text:
                out.append(text)
        return out

    # -- runs -------------------------------------------------------------------------
    def run(self, point: Point, sets: dict[str, str] | None = None) -> Doc:
        """The action that runs the dialplan from ``point`` to where it waits."""
        from ivr.pbx.asterisk.apps import HANDLERS, LISTENING, unknown

        run = Run(sets=dict(sets or {}))
        came_from: Location | None = None
        while True:
            run.steps += 1
            if run.steps > MAX_STEPS:
                raise pbx_error(
                    came_from or Location(self.plan.file, 1, 1),
                    f"the dialplan runs more than {MAX_STEPS} priorities without waiting",
                    "put a WaitExten, Read or Background in the loop",
                )
            step = self.step(point)
            if point in run.seen:
                where = came_from or (step.where if step else Location(self.plan.file, 1, 1))
                raise pbx_error(
                    where,
                    f"the dialplan loops back to {point.context},{point.exten},"
                    f"{point.priority} without waiting for the caller",
                    "put a WaitExten, Read or Background in the loop, or end it with Hangup",
                )
            run.seen.add(point)
            if step is None:
                return self.fall_off(run, point)
            app = step.app.lower()
            if run.listening and app not in LISTENING:
                where = run.listen_where or step.where
                return self.listen(run, point, where, MIN_WAIT, partial(self.run, point), "cut")
            result = HANDLERS.get(app, unknown)(self, run, point, step)
            if isinstance(result, Point):
                came_from = step.where
                point = result
            else:
                return result

    def fall_off(self, run: Run, point: Point) -> Doc:
        """Past the last priority: Asterisk hangs up (autofallthrough), else waits."""
        where = run.listen_where or Location(self.plan.file, 1, 1)
        if self.plan.autofallthrough:
            if run.listening:
                return self.listen(run, point, where, MIN_WAIT, lambda: {"do": "hangup"}, "end")
            return run.finish({"do": "hangup"})
        return self.listen(run, point, where, point.response, lambda: self.timeout(point), "end")

    def flush(self, run: Run, point: Point, where: Location) -> Doc:
        """End the run here, through a node that goes on from ``point`` afresh (so the
        variables already set are set before what comes next reads them)."""
        node = self.node(
            ("pass", point),
            point.context,
            f"l{where.line}",
            where,
            lambda: {"branch": [Commented({"otherwise": True, **self.run(point)}, _at(where))]},
        )
        return run.finish({"goto": node})

    def timeout(self, point: Point) -> Doc:
        """The ``t`` extension of the channel's context, else hang up."""
        return self._special(point, "t", "")

    def invalid(self, point: Point) -> Doc:
        """The ``i`` extension of the channel's context, else hang up."""
        return self._special(point, "i", "INVALID_EXTEN")

    def _special(self, point: Point, name: str, variable: str) -> Doc:
        where = Location(self.plan.file, 1, 1)
        found = self.find(point.context, name, where)
        if found is None:
            return {"do": "hangup"}
        owner, extension = found
        sets = {}
        if variable and any(variable in s.data for s in extension.steps.values()):
            sets[variable] = "${EXTEN}"
        start = replace(point, owner=owner, exten=extension.name, value=name, priority=1)
        return self.run(start, sets)

    # -- nodes ------------------------------------------------------------------------
    def node(
        self, key: Hashable, context: str, hint: str, where: Location, build: Callable[[], Doc]
    ) -> str:
        """The id of the node for ``key``, built later from ``build`` (once)."""
        if key in self.keys:
            return self.keys[key]
        if len(self.keys) >= MAX_NODES:
            raise pbx_error(
                where,
                f"the dialplan unfolds into more than {MAX_NODES} places a call can wait",
                "import one context with --menu, or call fewer subroutines from many places",
            )
        base = context if ID.fullmatch(context) else node_id(context)
        new = base
        if new in self.used:
            new = f"{base}_{re.sub(r'[^A-Za-z0-9_]', '_', hint)}"
            count = self.counts.get(new, 1)
            while new in self.used:
                count += 1
                new = f"{base}_{re.sub(r'[^A-Za-z0-9_]', '_', hint)}_{count}"
            self.counts[f"{base}_{re.sub(r'[^A-Za-z0-9_]', '_', hint)}"] = count
        self.used.add(new)
        self.keys[key] = new
        self.order.append(new)
        self.context_of[new] = context
        if isinstance(key, tuple) and any(isinstance(k, Point) and k.stack for k in key):
            self.in_subroutine.add(new)
        self.pending.append((new, where, build))
        return new

    def listen(
        self,
        run: Run,
        point: Point,
        where: Location,
        wait: float,
        no_input: Callable[[], Doc],
        kind: str,
    ) -> Doc:
        """A node that plays the run's prompt and waits for digits in its context."""
        prompt, says, barge = run.prompt or [], run.says, bool(run.prompt)
        if not prompt:
            prompt, says = says, []
        context = run.listen_context or point.context
        key = ("listen", kind, context, tuple(prompt), barge, point, wait)

        def build() -> Doc:
            entries, patterns, longest = self.choices(context, point, where)
            body: Doc = {}
            if prompt:
                body["prompt"] = " ".join(prompt)
            body["settings"] = {
                "no_input_timeout": clamp(wait, MIN_WAIT, 120),
                "inter_digit_timeout": clamp(point.digit, 0.2, 30),
                "barge_in": barge,
            }
            collect: Doc = {"min_digits": 1, "max_digits": longest, "terminator": "none"}
            collect["early"] = True
            collect["back"] = False  # * and # are extensions (or i), never "back"
            if entries:
                collect["entries"] = entries
            if patterns:
                collect["patterns"] = patterns
            body["collect"] = collect
            at = _at(where)
            body["on_no_input"] = [Commented({"count": 1, **no_input()}, at)]
            body["on_no_match"] = [Commented({"count": 1, **self.invalid(point)}, at)]
            return body

        hint = point.exten if point.exten != "s" else f"l{where.line}"
        node = self.node(key, context, hint, where, build)
        return replace(run, says=says).finish({"goto": node})

    def choices(
        self, context: str, point: Point, where: Location
    ) -> tuple[Doc, list[Commented], int]:
        """The context's dialable extensions as collect entries and patterns, in the
        order Asterisk tries them, and the longest entry worth waiting for."""
        entries: Doc = {}
        patterns: list[Commented] = []
        earlier: list[str] = []
        longest = 1
        for owner, extension in self.ordered(context, where):
            name = extension.name
            if not dialable(name):
                continue
            most = length_range(name)[1]
            longest = max(longest, MAX_DIGITS if most is None else min(most, MAX_DIGITS))
            value = None if extension.pattern else name
            start = replace(
                point, context=context, owner=owner, exten=name, value=value, priority=1
            )
            action = self.run(start)
            at = _at(extension.where)
            if extension.pattern:
                item: Doc = {"match": name, **action}
                self.pattern_items.append((item, owner, name))
                patterns.append(Commented(item, at))
                earlier.append(name)
            elif any(match(p, name) for p in earlier):  # an earlier pattern would take it
                patterns.append(Commented({"match": f"/{regex(name)}/", **action}, at))
            else:
                entries[name] = Commented(action, at)
        return entries, patterns, longest

    def build_all(self) -> None:
        while self.pending:
            new, where, build = self.pending.popleft()
            self.nodes[new] = Commented(build(), _at(where))
        for item, owner, name in self.pattern_items:
            if (owner, name) in self.grouped:
                item["match"] = f"/{regex(name, groups=True)}/"
        self._check_branch_loops()

    def _check_branch_loops(self) -> None:
        """A cycle of branch nodes never waits for the caller: Asterisk would spin."""
        edges: dict[str, list[str]] = {}
        for name, node in self.nodes.items():
            rules = node.value.get("branch")
            if isinstance(rules, list):
                targets = [r.value.get("goto") for r in rules if isinstance(r, Commented)]
                edges[name] = [t for t in targets if isinstance(t, str)]
        state: dict[str, int] = {}  # 1: on the path being walked, 2: done
        for start in edges:
            if state.get(start):
                continue
            state[start] = 1
            stack = [(start, iter(edges[start]))]
            while stack:
                current, out = stack[-1]
                nxt = next(out, None)
                if nxt is None:
                    state[current] = 2
                    stack.pop()
                elif nxt in edges and state.get(nxt) == 1:
                    file, _, line = self.nodes[nxt].comment.rpartition(":")
                    raise pbx_error(
                        Location(file, int(line) if line.isdigit() else 1, 1),
                        "this branch loops back to itself without waiting for the caller",
                        "put a WaitExten, Read or Background in the loop",
                    )
                elif nxt in edges and not state.get(nxt):
                    state[nxt] = 1
                    stack.append((nxt, iter(edges[nxt])))

    def service(self, target: str, number: str | None, where: Location) -> str:
        from ivr.pbx.common import service_id

        sid = service_id(target)
        if sid not in self.services:
            body: Doc = {"name": target, "target": target}
            if number:
                body["number"] = number
            self.services[sid] = Commented(body, _at(where))
        return sid


def _at(where: Location) -> str:
    return f"{where.file}:{where.line}"
