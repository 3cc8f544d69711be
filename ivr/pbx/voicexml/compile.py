"""A VoiceXML document compiled to an ivr menu document, one dialog at a time.

Each ``<menu>`` becomes a node of options; each ``<form>`` a chain of nodes,
one per form item in document order, which is the order the form
interpretation algorithm (VoiceXML 2.0 Appendix C) visits them when each is
filled in turn: a ``<block>`` a pass-through node (its prompts spoken on the
way), a ``<field>`` an input node (``ivr.pbx.voicexml.fields``), a
``<transfer>`` a route. Control that reaches the end of a form hangs up, as
the interpreter exits when no form item is left and no transition was taken.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ivr.errors import Location, MenuError
from ivr.pbx.common import PbxWarning, node_id, route_digits, service_id
from ivr.pbx.voicexml import catches, escalation, script
from ivr.pbx.voicexml.catches import PLATFORM_DEFAULTS
from ivr.pbx.voicexml.fields import field_node, handlers, menu_options
from ivr.pbx.voicexml.flow import Action, Flow, Scope, Tail
from ivr.pbx.voicexml.prompts import Choice, Piece, Speech, select
from ivr.pbx.voicexml.srgs import Heard, dtmf_attr, grammar
from ivr.pbx.voicexml.xmltree import XNode, error_at

DIALOGS = ("menu", "form")
ITEMS = ("field", "block", "transfer", "subdialog", "record", "object", "initial")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s)\s*$")
#: Properties that change nothing the simulator models (fetching, caching, recognizer tuning).
_INERT = re.compile(
    r"^(?:.*fetch.*|.*maxage|.*maxstale|confidencelevel|sensitivity|speedvsaccuracy|"
    r"completetimeout|incompletetimeout|maxspeechtimeout|maxnbest|recordutterance.*|"
    r"bargeintype|termtimeout)$"
)


class Compiler:
    """Holds what the dialogs of one document compile to."""

    def __init__(self, root: XNode, file: str, sounds: dict[str, str]) -> None:
        self.root, self.file = root, file
        self.warnings: list[PbxWarning] = []
        self.speech = Speech(sounds, self.warn)
        self.flow = Flow(self)
        self.nodes: dict[str, tuple[dict[str, Any], int]] = {}
        self.services: dict[str, tuple[dict[str, Any], int]] = {}
        self.dialogs: dict[str, XNode] = {}
        self.entry: dict[str, str] = {}
        self.variables: dict[str, str] = {}
        self.time_helper: str | None = None
        #: Dialogs whose handlers are ivr's own escalation, with their count 2 prompt.
        self.ladders: dict[str, tuple[escalation.Ladder, str, list[PbxWarning]]] = {}
        self._ids: set[str] = set()
        self.doc_props = self.properties(root)

    # -- what the flow compiler asks for ---------------------------------------------
    def warn(self, line: int, text: str) -> None:
        warning = PbxWarning(Location(self.file, line, 1), text)
        if warning not in self.warnings:
            self.warnings.append(warning)

    def error(self, el: XNode, message: str, hint: str | None = None) -> MenuError:
        return error_at(self.file, el, message, hint)

    def say(self, el: XNode, env: script.Env) -> str:
        return self.speech.text([el], env=env)

    def new_id(self, hint: str) -> str:
        base = node_id(hint)
        candidate, n = base, 2
        while candidate in self._ids:
            candidate, n = f"{base}_{n}", n + 1
        self._ids.add(candidate)
        return candidate

    def put(self, nid: str, body: dict[str, Any], line: int) -> str:
        self.nodes[nid] = (body, line)
        return nid

    def passthrough(self, hint: str, action: Action, line: int) -> str:
        return self.put(self.new_id(hint), {"branch": [{"otherwise": True, **action}]}, line)

    def branch_node(self, hint: str, rules: list[Action], line: int) -> str:
        return self.put(self.new_id(hint), {"branch": rules}, line)

    def service(self, target: str, line: int, name: str | None = None) -> str:
        """The service for a destination: named after the ``<transfer name>`` that first
        goes there when that name is free, else after the destination."""
        for sid, (body, _) in self.services.items():
            if body["target"] == target:
                return sid
        sid = service_id(target)
        if name and re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", name) and name not in self.services:
            sid = name
        body = {"name": target, "target": target}
        digits = route_digits(target) if "${" not in target else None
        taken = {b.get("number") for b, _ in self.services.values()}
        if digits and digits not in taken:
            body["number"] = digits
        self.services[sid] = (body, line)
        return sid

    def goto_uri(self, uri: str, el: XNode, scope: Scope) -> Action:
        doc, _, fragment = uri.partition("#")
        if not doc or doc == Path(self.file).name:
            if not fragment:
                return {"goto": self.entry[next(iter(self.dialogs))]}
            if fragment not in self.dialogs:
                raise self.error(
                    el,
                    f"{el.tag} to #{fragment}: the document has no dialog {fragment!r}",
                    "dialogs here: " + ", ".join(self.dialogs),
                )
            return {"goto": self.entry[fragment]}
        if not uri.startswith("submit "):
            self.warn(el.line, f"{el.tag} next={uri!r}: other documents are not read; "
                      "the call ends there, as a route to it")  # fmt: skip
        return {"route": self.service(uri, el.line)}

    def transfer(self, el: XNode, env: script.Env) -> Action:
        dest = el.get("dest")
        if not (dest or "").strip() and not (el.get("destexpr") or "").strip():
            raise self.error(el, "transfer has no destination", 'add dest="tel:+NUMBER"')
        if dest is None:
            expr = el.get("destexpr", "")
            try:
                parsed = script.parse(expr)
                try:
                    dest = script.as_text(script.evaluate(parsed, dict(env)))
                except LookupError:
                    dest = script.template(parsed)
            except script.Unsupported as e:
                self.warn(el.line, f"transfer destexpr={expr!r}: {e} is not simulated; "
                          "the route's target is the expression as written")  # fmt: skip
                dest = expr
        if el.get("bridge") == "true" or el.get("type") in ("bridge", "consultation"):
            self.warn(el.line, "transfer (bridged): the call ends at the transfer; the simulator "
                      "does not come back to the dialog when the far end hangs up")  # fmt: skip
        filled = el.first("filled")
        if filled is not None:
            self.warn(filled.line, "transfer <filled>: not run (the call ends at the transfer)")
        action: Action = {"route": self.service(dest or "", el.line, el.get("name"))}
        said = self.speech.text(
            [c for c in el.children if isinstance(c, XNode) and c.tag in ("prompt", "audio")],
            env=env,
        )
        return {"say": said, **action} if said else action

    def throw(self, event: str, el: XNode, scope: Scope, env: script.Env, tail: Tail) -> Action:
        handler = catches.selected(event, scope.chain, 1, self.warn)
        if any(c > 1 for c, _ in catches.by_count(event, scope.chain, self.warn)):
            self.warn(
                el.line, f"throw {event!r}: thrown events are not counted; the count 1 handler runs"
            )
        if handler is not None:
            inner = Scope(scope.chain, scope.items, None)
            return self.flow.run(list(handler.children), env, inner, tail, handler.line)
        name = event.split(".")[0]
        if name in ("noinput", "nomatch", "help"):
            action = tail(frozenset())
            message = PLATFORM_DEFAULTS.get(name)
            return {"say": message, **action} if message and "say" not in action else action
        self.warn(el.line, f"throw {event!r} with no handler: the interpreter exits (hangs up)")
        return {"do": "hangup"}

    # -- properties -------------------------------------------------------------------
    def properties(self, owner: XNode) -> dict[str, tuple[str, XNode]]:
        found: dict[str, tuple[str, XNode]] = {}
        for prop in owner.elements("property"):
            name, value = prop.get("name", ""), prop.get("value", "")
            if name in ("timeout", "interdigittimeout"):
                self.seconds(value, prop)
            elif name not in ("termchar", "bargein") and not _INERT.match(name):
                self.warn(prop.line, f"property {name}={value!r}: not simulated")
            found[name] = (value, prop)
        return found

    def seconds(self, value: str, el: XNode) -> float:
        match = _DURATION.match(value)
        if match is None:
            raise self.error(
                el,
                f"property {el.get('name')}={value!r} is not a time designation",
                'write e.g. value="5s" or value="3000ms"',
            )
        number = float(match.group(1))
        return number / 1000 if match.group(2) == "ms" else number

    def settings(self, *owners: XNode) -> dict[str, Any]:
        """The timeouts and barge-in in force at ``owners`` (outermost first), where they
        differ from the document's."""
        props: dict[str, tuple[str, XNode]] = {}
        for owner in owners:
            props.update(self.properties(owner) if owner is not self.root else self.doc_props)
        out: dict[str, Any] = {}
        for name, key in (
            ("timeout", "no_input_timeout"),
            ("interdigittimeout", "inter_digit_timeout"),
        ):
            if name in props and props[name] != self.doc_props.get(name):
                out[key] = self.seconds(*props[name])
        if "bargein" in props and props["bargein"] != self.doc_props.get("bargein"):
            out["barge_in"] = props["bargein"][0] != "false"
        return out

    def termchar(self, *owners: XNode) -> str:
        value = "#"
        for owner in owners:
            prop = (
                self.properties(owner).get("termchar")
                if owner is not self.root
                else self.doc_props.get("termchar")
            )
            if prop is not None:
                value = prop[0]
        return {"": "none", "#": "#", "*": "*"}.get(value, "#")

    # -- dialogs ----------------------------------------------------------------------
    def dialog_ids(self) -> None:
        for index, el in enumerate(self.root.elements(*DIALOGS)):
            vid = el.get("id") or f"dialog{index + 1}"
            if vid in self.dialogs:
                raise self.error(el, f"two dialogs have the id {vid!r}", "give each its own id")
            self.dialogs[vid] = el
            self.entry[vid] = self.new_id(vid)
        if not self.dialogs:
            raise self.error(self.root, "the document has no <menu> or <form>", "add a dialog")

    def menu(self, vid: str, el: XNode) -> None:
        nid = self.entry[vid]
        chain = [el, self.root]
        if el.get("scope") == "document":
            self.warn(el.line, "menu scope=document: its choices are heard only while in the menu")
        choices = menu_options(self, vid, el)
        said = [Choice(c.label, c.key or "") for c in choices]
        pieces = self.speech.pieces(el, said)
        body = self.input_body(nid, pieces, chain, el, said)
        body["options"] = [c.commented(self.file) for c in choices]
        settings = self.settings(self.root, el)
        if settings:
            body["settings"] = settings
        self.put(nid, body, el.line)

    def input_body(
        self,
        nid: str,
        pieces: list[Piece],
        chain: list[XNode],
        el: XNode,
        said: list[Choice],
        scope: Scope | None = None,
        tail: Tail | None = None,
    ) -> dict[str, Any]:
        prompt = select(pieces, 1)
        if not prompt:
            prompt = " ".join(c.prompt for c in said) or el.get("name") or el.get("id") or nid
            self.warn(el.line, f"<{el.tag}> with no prompt of its own: the simulator says "
                      f"{prompt!r} when it is entered")  # fmt: skip
        body: dict[str, Any] = {"prompt": prompt}
        # Entering a dialog restarts its prompt counter (count 1 again); a reprompt after
        # an event counts up (4.1.6). ivr's short_prompt is also spoken on revisits, so the
        # count 2 prompt is said by the handlers that reprompt instead.
        again = select(pieces, 2)
        again = again if again != prompt else ""
        for piece in pieces:
            if piece.count > 2:
                self.warn(piece.line, f"prompt count={piece.count}: the count 2 prompt is "
                          "spoken on every reprompt")  # fmt: skip
        # the document's <help> is the menu's help message, not this node's own help
        help_el = catches.selected("help", chain[:-1], 1, self.warn)
        if help_el is not None:
            spoken = ("prompt", "audio", "value", "enumerate")
            text = self.speech.text(
                [k for k in help_el.children if isinstance(k, str) or k.tag in spoken]
            )
            if text:
                body["help"] = text
        before = len(self.warnings)
        body["on_no_input"], body["on_no_match"] = handlers(
            self, nid, chain, el, scope, tail, again
        )
        texts = (prompt, str(body.get("help", "")))
        ladder = escalation.recognise(self, nid, el, chain, texts, scope, tail)
        if ladder is not None:  # the handlers' warnings go if ivr's escalation replaces them
            self.ladders[nid] = (ladder, again, self.warnings[before:])
        return body

    def form(self, vid: str, el: XNode) -> None:
        items = [i for i in el.elements(*ITEMS)]
        if not items:
            self.warn(el.line, "form with no form items: the call hangs up there")
            self.put(self.entry[vid], {"branch": [{"otherwise": True, "do": "hangup"}]}, el.line)
            return
        names = [i.get("name") or f"{i.tag}{n + 1}" for n, i in enumerate(items)]
        ids = [self.entry[vid]] + [self.new_id(f"{vid}_{n}") for n in names[1:]]
        scope = Scope([el, self.root], dict(zip(names, ids, strict=True)))
        for var in el.elements("var"):
            self.variable(var)

        def tail_after(index: int) -> Tail:
            def tail(cleared: frozenset[str]) -> Action:
                if cleared:
                    return {"goto": next(ids[i] for i, n in enumerate(names) if n in cleared)}
                return {"goto": ids[index + 1]} if index + 1 < len(ids) else {"do": "hangup"}

            return tail

        for index, item in enumerate(items):
            nid, tail = ids[index], tail_after(index)
            inner = Scope([item, *scope.chain], scope.items)
            if item.tag == "block":
                action = self.flow.run(list(item.children), {}, inner, tail, item.line)
            elif item.tag == "transfer":
                action = self.transfer(item, {})
            elif item.tag == "field":
                real = nid if not item.get("cond") else self.new_id(f"{nid}_field")
                field_node(self, real, item, el, names[index], inner, tail)
                action = {"goto": real}
                if real == nid:
                    continue
            else:
                self.warn(
                    item.line, f"<{item.tag}>: not simulated; the form goes on to its next item"
                )
                action = tail(frozenset())
            cond = item.get("cond")
            if cond:
                try:
                    action = self.flow.decide(
                        script.parse(cond), action, tail(frozenset()), item.line
                    )
                except script.Unsupported as e:
                    self.warn(item.line, f"cond={cond!r}: {e} is not simulated; taken as true")
            self.put(nid, {"branch": [{"otherwise": True, **action}]}, item.line)

    def variable(self, el: XNode) -> None:
        name, expr = el.get("name", ""), el.get("expr")
        try:
            var = script.variable(name)
            value = script.as_text(script.evaluate(script.parse(expr), {})) if expr else ""
        except (script.Unsupported, LookupError) as e:
            self.warn(el.line, f"var {name!r} expr={expr!r}: {e} is not simulated; it starts as ''")
            value = ""
            var = re.sub(r"\W", "_", name) or "v"
        self.variables[var] = value

    def heard(self, owner: XNode, dtmf_default: bool = False) -> Heard:
        heard = Heard()
        for g in owner.elements("grammar"):
            heard.extend(grammar(g, dtmf_default))
        for line, text in heard.warnings:
            self.warn(line, text)
        heard.warnings.clear()
        return heard


__all__ = ["DIALOGS", "ITEMS", "Compiler", "dtmf_attr"]
