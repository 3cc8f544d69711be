"""Executable content (``<block>``, ``<filled>``, ``<catch>``) as ivr actions.

VoiceXML runs statements in order (VoiceXML 2.0 section 5.3): prompts are
queued, variables assigned, and the first ``<goto>``, ``<transfer>``,
``<disconnect>`` or ``<exit>`` leaves; falling off the end hands control back
to the form interpretation algorithm (Appendix C), which selects the next
form item whose variable is still undefined. ivr has one action per choice,
with ``say`` (queued prompts) and ``set`` (assignments) before it, so a run of
statements becomes one action, and an ``<if>`` whose condition is only known
while the call runs becomes a branch node on call variables. Conditions on a
field's own value are decided here, per value, so a menu of options needs no
branch at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from ivr.pbx.voicexml import script
from ivr.pbx.voicexml.conds import decide
from ivr.pbx.voicexml.xmltree import XNode

Action = dict[str, Any]
#: What happens after the statements: given the form items ``<clear>`` reset,
#: the action the interpreter takes next.
Tail = Callable[[frozenset[str]], Action]
_VAR_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*|[0-9])\}")
#: Executable elements the simulator has nothing to do for (a log line).
_QUIET = frozenset({"log", "meta", "metadata", "property"})


class Doc(Protocol):
    """What the flow compiler needs from the document compiler."""

    file: str
    time_helper: str | None

    def warn(self, line: int, text: str) -> None: ...
    def say(self, el: XNode, env: script.Env) -> str: ...
    def passthrough(self, hint: str, action: Action, line: int) -> str: ...
    def branch_node(self, hint: str, rules: list[Action], line: int) -> str: ...
    def goto_uri(self, uri: str, el: XNode, scope: Scope) -> Action: ...
    def transfer(self, el: XNode, env: script.Env) -> Action: ...
    def throw(self, event: str, el: XNode, scope: Scope, env: script.Env, tail: Tail) -> Action: ...


@dataclass
class Scope:
    """Where statements run: the elements whose catches apply (innermost first), the
    form's items by name (for ``nextitem`` and ``<clear>``), and, in a handler, the
    node it belongs to (falling off a handler listens again there)."""

    chain: list[XNode]
    items: dict[str, str] = field(default_factory=dict)
    handler_node: str | None = None


@dataclass
class _Pending:
    say: list[str] = field(default_factory=list)
    sets: dict[str, str] = field(default_factory=dict)
    cleared: set[str] = field(default_factory=set)
    reprompt: bool = False

    def said_vars(self) -> set[str]:
        return {m for text in self.say for m in _VAR_REF.findall(text)}


def refs(text: str) -> set[str]:
    return set(_VAR_REF.findall(text))


def with_pending(doc: Doc, pending: _Pending, action: Action, line: int) -> Action:
    """``action`` with the queued prompts and assignments before it (a pass-through
    node in between when the action's own ``say``/``set`` reads what these set)."""
    if not pending.say and not pending.sets:
        return action
    own_set: dict[str, str] = action.get("set", {})
    reads = refs(str(action.get("say", ""))) | {r for v in own_set.values() for r in refs(v)}
    if reads & set(pending.sets) or set(own_set) & pending.said_vars():
        action = {"goto": doc.passthrough("then", action, line)}
        own_set = {}
    out: Action = {}
    say = " ".join([*pending.say, str(action.get("say", ""))]).strip()
    if say:
        out["say"] = say
    merged = {**pending.sets, **own_set}
    if merged:
        out["set"] = merged
    out.update({k: v for k, v in action.items() if k not in ("say", "set")})
    return out


class Flow:
    """Compiles statement lists of one document."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc

    def run(
        self,
        stmts: list[XNode | str],
        env: script.Env,
        scope: Scope,
        tail: Tail,
        line: int,
    ) -> Action:
        """The action ``stmts`` amount to, then ``tail``."""
        return self._run(stmts, 0, dict(env), scope, tail, _Pending(), line)

    def _run(
        self,
        stmts: list[XNode | str],
        start: int,
        env: script.Env,
        scope: Scope,
        tail: Tail,
        pending: _Pending,
        line: int,
    ) -> Action:
        doc = self.doc
        for index in range(start, len(stmts)):
            el = stmts[index]
            if isinstance(el, str):
                if el.strip():
                    if refs(el) & set(pending.sets):
                        return self._split(stmts, index, env, scope, tail, pending, line)
                    pending.say.append(" ".join(el.split()))
                continue
            line = el.line
            tag = el.tag
            if tag in ("prompt", "audio", "value", "enumerate"):
                text = doc.say(el, env)
                if refs(text) & set(pending.sets):
                    return self._split(stmts, index, env, scope, tail, pending, line)
                if text:
                    pending.say.append(text)
            elif tag in ("assign", "var"):
                name, value = self._assignment(el, env)
                if name is None:
                    continue
                if name in pending.said_vars() or refs(value) & set(pending.sets):
                    return self._split(stmts, index, env, scope, tail, pending, line)
                pending.sets[name] = value
            elif tag == "clear":
                names = (el.get("namelist") or " ".join(scope.items)).split()
                for name in names:
                    if name in scope.items:
                        pending.cleared.add(name)
                    try:
                        var = script.variable(name)
                    except script.Unsupported:
                        continue  # a block's or transfer's item name: nothing to reset
                    pending.sets[var] = ""
                    env.pop(var, None)
            elif tag == "reprompt":
                pending.reprompt = True
            elif tag == "if":
                return self._if(el, stmts[index + 1 :], env, scope, tail, pending)
            elif tag in ("goto", "submit"):
                return with_pending(doc, pending, self._goto(el, env, scope), line)
            elif tag in ("disconnect", "exit"):
                return with_pending(doc, pending, {"do": "hangup"}, line)
            elif tag == "return":
                doc.warn(line, "return outside a subdialog: the simulator hangs up")
                return with_pending(doc, pending, {"do": "hangup"}, line)
            elif tag == "throw":
                event = el.get("event") or el.get("eventexpr", "")
                if not el.get("event"):
                    doc.warn(line, f"throw eventexpr={event!r}: taken as the event named literally")
                action = doc.throw(
                    event.strip("'\""), el, scope, env, _joined(tail, frozenset(pending.cleared))
                )
                return with_pending(doc, pending, action, line)
            elif tag in _QUIET:
                continue
            else:
                doc.warn(line, f"<{tag}>: not simulated; skipped")
        return self._end(scope, tail, pending, line)

    def _end(self, scope: Scope, tail: Tail, pending: _Pending, line: int) -> Action:
        if scope.handler_node is not None and not pending.cleared:
            action: Action = {"reprompt": True} if pending.reprompt else {}
            return (
                with_pending(self.doc, pending, action, line) if action else self._listen(pending)
            )
        return with_pending(self.doc, pending, tail(frozenset(pending.cleared)), line)

    @staticmethod
    def _listen(pending: _Pending) -> Action:
        out: Action = {}
        if pending.say:
            out["say"] = " ".join(pending.say)
        if pending.sets:
            out["set"] = dict(pending.sets)
        return out

    def _split(
        self,
        stmts: list[XNode | str],
        index: int,
        env: script.Env,
        scope: Scope,
        tail: Tail,
        pending: _Pending,
        line: int,
    ) -> Action:
        """A pass-through node for the rest, so what is set is set before it is said."""
        rest_scope = Scope(scope.chain, scope.items, None)
        if scope.handler_node is not None:
            self.doc.warn(line, "a handler that sets and then says a variable re-enters its dialog")
            node = scope.handler_node
            rest_tail: Tail = lambda cleared: {"goto": node}  # noqa: E731
        else:
            rest_tail = tail
        rest = self._run(stmts, index, env, rest_scope, rest_tail, _Pending(), line)
        target = self.doc.passthrough("then", rest, line)
        return with_pending(self.doc, pending, {"goto": target}, line)

    def _assignment(self, el: XNode, env: script.Env) -> tuple[str | None, str]:
        name = el.get("name", "")
        expr = el.get("expr")
        try:
            var = script.variable(name)
        except script.Unsupported as e:
            self.doc.warn(el.line, f"<{el.tag} name={name!r}>: {e} is not simulated; skipped")
            return None, ""
        if expr is None:
            env.pop(var, None)
            return var, ""
        try:
            parsed = script.parse(expr)
            try:
                known = script.evaluate(parsed, dict(env))
                env[var] = known
                return var, script.as_text(known)
            except LookupError:
                env.pop(var, None)
                return var, script.template(parsed)
        except script.Unsupported as e:
            self.doc.warn(
                el.line, f"<{el.tag} name={name!r} expr={expr!r}>: {e} is not simulated; set to ''"
            )
            env.pop(var, None)
            return var, ""

    def _goto(self, el: XNode, env: script.Env, scope: Scope) -> Action:
        item = el.get("nextitem")
        if item is None and el.get("expritem"):
            item = self.static(el, "expritem", env)
        if item is not None:
            if item not in scope.items:
                self.doc.warn(
                    el.line, f"goto nextitem={item!r}: no such item here; the call hangs up"
                )
                return {"do": "hangup"}
            return {"goto": scope.items[item]}
        uri = el.get("next")
        if uri is None and el.get("expr"):
            uri = self.static(el, "expr", env)
            if uri is None:
                return {"do": "hangup"}
        if uri is None:
            self.doc.warn(el.line, f"<{el.tag}> without a destination: the call hangs up")
            return {"do": "hangup"}
        if el.tag == "submit":
            self.doc.warn(
                el.line,
                f"submit next={uri!r}: no web server here; the call ends with a route to it",
            )
            return self.doc.goto_uri(f"submit {uri}", el, scope)
        return self.doc.goto_uri(uri, el, scope)

    def static(self, el: XNode, attr: str, env: script.Env) -> str | None:
        expr = el.get(attr, "")
        try:
            return script.as_text(script.evaluate(script.parse(expr), dict(env)))
        except (script.Unsupported, LookupError):
            self.doc.warn(
                el.line, f"{el.tag} {attr}={expr!r}: computed by script; the call hangs up there"
            )
            return None

    def _if(
        self,
        el: XNode,
        rest: list[XNode | str],
        env: script.Env,
        scope: Scope,
        tail: Tail,
        pending: _Pending,
    ) -> Action:
        branches: list[tuple[str | None, int, list[XNode | str]]] = [
            (el.get("cond", "false"), el.line, [])
        ]
        for child in el.children:
            if isinstance(child, XNode) and child.tag == "elseif":
                branches.append((child.get("cond", "false"), child.line, []))
            elif isinstance(child, XNode) and child.tag == "else":
                branches.append((None, child.line, []))
            else:
                branches[-1][2].append(child)
        runtime: list[tuple[script.Expr, int, list[XNode | str]]] = []
        chosen: list[XNode | str] | None = None
        for cond, line, body in branches:
            if cond is None:
                chosen = body
                break
            try:
                parsed = script.parse(cond)
                known = self._known(parsed, env)
            except script.Unsupported as e:
                self.doc.warn(line, f"cond={cond!r}: {e} is not simulated; taken as false")
                continue
            if known is None:
                runtime.append((parsed, line, body))
            elif known:
                chosen = body
                break
        if not runtime:
            # decided now: the chosen statements run inline, then the rest
            return self._run([*(chosen or []), *rest], 0, env, scope, tail, pending, el.line)
        after = self._after(rest, env, scope, tail, el.line)
        actions = [
            (
                c,
                line,
                self._run(body, 0, dict(env), self._inner(scope, line), after, _Pending(), line),
            )
            for c, line, body in runtime
        ]
        otherwise = self._run(
            chosen or [], 0, dict(env), self._inner(scope, el.line), after, _Pending(), el.line
        )
        decision = otherwise
        for expr, line, action in reversed(actions):
            decision = self.decide(expr, action, decision, line)
        return with_pending(self.doc, pending, decision, el.line)

    def _inner(self, scope: Scope, line: int) -> Scope:
        if scope.handler_node is None:
            return scope
        return Scope(scope.chain, scope.items, None)

    def _after(
        self, rest: list[XNode | str], env: script.Env, scope: Scope, tail: Tail, line: int
    ) -> Tail:
        """Where each branch of a runtime ``<if>`` goes on: the statements after it
        (in a node of their own), else what follows the whole list."""
        if scope.handler_node is not None:
            node = scope.handler_node
            self.doc.warn(
                line, "an <if> on a call variable in a handler: its ends re-enter the dialog"
            )
            base: Tail = lambda cleared: {"goto": node}  # noqa: E731
        else:
            base = tail
        if not any(isinstance(s, XNode) or s.strip() for s in rest):
            return base
        action = self._run(
            rest,
            0,
            {k: v for k, v in env.items()},
            Scope(scope.chain, scope.items),
            base,
            _Pending(),
            line,
        )
        target = self.doc.passthrough("after_if", action, line)
        return lambda cleared: {"goto": target}

    def decide(self, cond: script.Expr, then: Action, other: Action, line: int) -> Action:
        """``then`` when ``cond`` holds while the call runs, else ``other``."""
        return decide(self.doc, cond, then, other, line)

    def _known(self, expr: script.Expr, env: script.Env) -> bool | None:
        try:
            return script.truthy(script.evaluate(expr, dict(env)))
        except LookupError:
            return None
        except script.Unsupported:
            if self.doc.time_helper is not None and self.doc.time_helper in script.calls(expr):
                return None
            raise


def _joined(tail: Tail, made: frozenset[str]) -> Tail:
    """``tail`` for statements run after ``made`` were cleared."""
    return lambda cleared: tail(cleared | made)


def preset(doc: Doc, values: dict[str, str], action: Action, line: int) -> Action:
    """``action`` with ``values`` set before it (a field's value as it is filled)."""
    return with_pending(doc, _Pending(sets=dict(values)), action, line)
