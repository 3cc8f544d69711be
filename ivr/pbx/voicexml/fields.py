"""Input: a ``<menu>``'s choices and a ``<field>``'s grammar as ivr options or digit entry.

Followed: VoiceXML 2.0 section 2.2 (``<choice dtmf next expr event>``, the
choice's text is its phrase unless it holds a ``<grammar>``, ``dtmf="true"``
on the menu gives the first nine choices without a ``dtmf`` the keys 1 to 9),
2.3.1 (``<field>`` with ``type``, ``<grammar>`` and ``<option>``; its
``<filled>`` runs when it is filled, then the form's ``<filled>`` whose
``namelist`` it completes, ``mode="all"`` by default) and Appendix D (a DTMF
entry is returned as soon as the grammar can take no more keys, else after
the inter-digit timeout: ivr's ``early: true``). A field whose every key
sentence is one key becomes options; longer sentences become a digit entry
(``collect``) whose exact sentences are ``entries`` and whose unbounded ones
are a ``pattern``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from ivr.pbx.voicexml import catches, script
from ivr.pbx.voicexml.catches import PLATFORM_NOMATCH
from ivr.pbx.voicexml.flow import Action, Scope, Tail, preset
from ivr.pbx.voicexml.prompts import Choice
from ivr.pbx.voicexml.srgs import Heard, builtin, dtmf_attr, options
from ivr.pbx.voicexml.xmltree import XNode
from ivr.pbx.yamlout import Commented

if TYPE_CHECKING:
    from ivr.pbx.voicexml.compile import Compiler


@dataclass
class MenuChoice:
    key: str | None
    words: list[str]
    label: str
    action: Action
    line: int
    extra: dict[str, Any] = field(default_factory=dict)

    def commented(self, file: str) -> Commented:
        body: dict[str, Any] = {}
        if self.key is not None:
            body["key"] = self.key
        if self.words:
            body["words"] = list(dict.fromkeys(self.words))
        if self.label:
            body["label"] = self.label
        body.update(self.action)
        return Commented(body, f"{file}:{self.line}")


def menu_options(c: Compiler, vid: str, el: XNode) -> list[MenuChoice]:
    """A menu's choices, keys assigned as VoiceXML does."""
    auto = el.get("dtmf") == "true"
    nid = c.entry[vid]
    scope = Scope([el, c.root])
    out: list[MenuChoice] = []
    taken: dict[str, int] = {}
    implicit = 0
    if el.get("accept") == "approximate":
        c.warn(el.line, "menu accept=approximate: choices are heard by their whole phrases")
    for choice in el.elements("choice"):
        label = c.speech.text(
            [x for x in choice.children if not (isinstance(x, XNode) and x.tag == "grammar")]
        )
        heard = c.heard(choice)
        words = [a.words for a in heard.alts if not a.dtmf]
        if (
            not words
            and label
            and choice.first("grammar") is None
            and choice.get("accept") != "none"
        ):
            words = [label]
        key: str | None = None
        if choice.get("dtmf") is not None:
            key = dtmf_attr(choice.get("dtmf", ""), "", choice.line).keys
        elif any(a.dtmf for a in heard.alts):
            key = next(a.keys for a in heard.alts if a.dtmf)
        elif auto and implicit < 9:
            implicit += 1
            key = str(implicit)
        if key == "":
            c.warn(choice.line, f"choice dtmf={choice.get('dtmf')!r}: not phone keys; no key")
            key = None
        if key is not None and len(key) != 1:
            c.warn(
                choice.line,
                f"choice dtmf={key!r}: only one key per option here; the key is dropped",
            )
            key = None
        if key is not None and key in taken:
            c.warn(
                choice.line, f"choice dtmf={key!r}: the choice on line {taken[key]} has it first"
            )
            key = None
        if key is not None:
            taken[key] = choice.line
        if choice.get("accept") == "approximate":
            c.warn(choice.line, "choice accept=approximate: heard by its whole phrase")
        if key is None and not words:
            c.warn(choice.line, "choice with neither a key nor words: no caller can pick it")
            continue
        action = choice_action(c, choice, scope, nid)
        out.append(
            MenuChoice(key, words, label or (words[0] if words else ""), action, choice.line)
        )
    if not out:
        raise c.error(
            el, f"menu {vid!r} has no choice a caller can make", "add <choice dtmf=... next=...>"
        )
    return out


def choice_action(c: Compiler, choice: XNode, scope: Scope, here: str | None) -> Action:
    """What picking a choice (or following a link) does."""
    from ivr.pbx.voicexml.shapes import recognise

    uri = choice.get("next")
    if uri is None and choice.get("expr"):
        uri = c.flow.static(choice, "expr", {})
    if uri is not None:
        return recognise(c, c.goto_uri(uri, choice, scope), here, choice)
    event = choice.get("event") or (choice.get("eventexpr") or "").strip("'\"")
    if not event:
        c.warn(choice.line, f"<{choice.tag}> goes nowhere the simulator knows: it hangs up")
        return {"do": "hangup"}
    if event == "help":
        return {"do": "help"}
    handler = catches.selected(event, scope.chain, 1, c.warn)
    if (
        handler is not None
        and [e.tag for e in handler.elements()] == ["reprompt"]
        and not handler.text()
    ):
        return {"do": "repeat"}
    return c.throw(
        event, choice, scope, {}, lambda cleared: {"goto": here} if here else {"do": "hangup"}
    )


def handlers(
    c: Compiler,
    nid: str,
    chain: list[XNode],
    el: XNode,
    scope: Scope | None = None,
    tail: Tail | None = None,
    again: str = "",
) -> tuple[list[Commented], list[Commented]]:
    """``on_no_input`` and ``on_no_match``: VoiceXML's pick at every count, the platform's
    default (reprompt; after a message for nomatch) below the lowest count given. A
    reprompt speaks ``again`` (the count 2 prompt) when the dialog has one."""
    out: list[list[Commented]] = []
    items = scope.items if scope is not None else {}
    after: Tail = tail or (lambda cleared: {"goto": nid})
    for event, default in (
        ("noinput", {"reprompt": True}),
        ("nomatch", {"say": PLATFORM_NOMATCH, "reprompt": True}),
    ):
        found = catches.by_count(event, chain, c.warn)
        listed: list[Commented] = []
        if not found or found[0][0] > 1:
            listed.append(Commented({"count": 1, **default}, f"{c.file}:{el.line}"))
        for count, handler in found:
            inner = Scope(chain, items, handler_node=nid)
            action = c.flow.run(list(handler.children), {}, inner, after, handler.line)
            if "set" in action and not set(action) & {"goto", "route", "do", "info"}:
                c.warn(
                    handler.line, "assignments in a handler that then listens again: not simulated"
                )
                action.pop("set")
            listed.append(Commented({"count": count, **action}, f"{c.file}:{handler.line}"))
        if again:
            for item in listed:
                body = cast(dict[str, Any], item.value)
                if body.pop("reprompt", False):
                    body["say"] = " ".join(t for t in (body.get("say", ""), again) if t)
        out.append(listed)
    return out[0], out[1]


def _filled(form: XNode, el: XNode, name: str) -> list[XNode | str]:
    stmts: list[XNode | str] = []
    for f in el.elements("filled"):
        stmts.extend(f.children)
    fields = [i.get("name", "") for i in form.elements("field")]
    for f in form.elements("filled"):
        namelist = (f.get("namelist") or " ".join(fields)).split()
        if name not in namelist:
            continue
        last = [n for n in fields if n in namelist][-1:] == [name]
        if f.get("mode") == "any" or last:
            stmts.extend(f.children)
    return stmts


def field_node(
    c: Compiler, nid: str, el: XNode, form: XNode, name: str, scope: Scope, tail: Tail
) -> None:
    """A ``<field>`` as an options node, or a digit entry when a key sentence is longer."""
    try:
        script.variable(name)
    except script.Unsupported:
        raise c.error(
            el,
            f"field name {name!r} is not a variable name",
            "use letters, digits and _, starting with a letter (it is an ECMAScript variable)",
        ) from None
    chain = [el, form, c.root]
    heard = Heard()
    if el.get("type"):
        found = builtin(el.get("type", ""), el.line)
        if found is None:
            c.warn(
                el.line, f"field type={el.get('type')!r}: not a built-in type; it matches nothing"
            )
        else:
            heard.extend(found)
    heard.extend(c.heard(el))
    listed = options(el)
    heard.extend(listed)
    for line, text in heard.warnings:
        c.warn(line, text)
    if not heard.alts and heard.pattern is None:
        c.warn(el.line, f"field {name!r} has no grammar: the simulator takes 1 to 32 keys")
        heard.pattern, heard.min_digits, heard.max_digits = "[0-9]{1,32}", 1, 32
    stmts = _filled(form, el, name)
    boolean = "boolean" in (el.get("type") or "") + " ".join(
        g.get("src", "") for g in el.elements("grammar")
    )

    def action(value: str | None, line: int, stored: bool = False) -> Action:
        """What filling the field with ``value`` does (None: known only in the call);
        ``stored`` when the entry itself is the value (``into`` keeps it)."""
        typed: script.Value = value
        if boolean and value in ("true", "false"):
            typed = value == "true"
        env: script.Env = {name: typed} if value is not None else {}
        act = c.flow.run(stmts, env, scope, tail, line)
        return preset(c, {name: value}, act, line) if value is not None and not stored else act

    said = [Choice(o.all_text(), o.get("dtmf", "")) for o in el.elements("option")]
    body = c.input_body(nid, c.speech.pieces(el, said), chain, el, said, scope, tail)
    settings = c.settings(c.root, form, el)
    if settings:
        body["settings"] = settings
    multi = heard.pattern is not None or any(a.dtmf and len(a.keys) != 1 for a in heard.alts)
    if multi:
        body["collect"] = _collect(c, heard, name, action, (c.root, form, el))
    else:
        body["options"] = _options(c, heard, action)
    c.put(nid, body, el.line)


def _options(c: Compiler, heard: Heard, action: Any) -> list[Commented]:
    groups: dict[str, tuple[list[str], list[str], int]] = {}
    for alt in heard.alts:
        keys, words, _ = groups.setdefault(alt.value, ([], [], alt.line))
        (keys if alt.dtmf else words).append(alt.keys if alt.dtmf else alt.words)
    out: list[Commented] = []
    taken: set[str] = set()
    for value, (keys, words, line) in groups.items():
        act = action(value, line)
        free = [k for k in dict.fromkeys(keys) if k not in taken]
        for k in keys:
            if k in taken:
                c.warn(line, f"key {k!r} for {value!r}: an earlier alternative has it")
        taken.update(free)
        first = MenuChoice(
            free[0] if free else None, words, words[0] if words else value, act, line
        )
        if first.key is None and not words:
            continue
        out.append(first.commented(c.file))
        out += [MenuChoice(k, [], value, act, line).commented(c.file) for k in free[1:]]
    return out


def _collect(
    c: Compiler, heard: Heard, name: str, action: Any, owners: tuple[XNode, ...]
) -> dict[str, Any]:
    entries: dict[str, Commented] = {}
    lengths: list[int] = []
    for alt in heard.alts:
        if not alt.dtmf:
            c.warn(
                alt.line, f"phrase {alt.words!r} at a digit entry: spoken words are not heard there"
            )
            continue
        if alt.keys and alt.keys not in entries:
            act = action(alt.value, alt.line, alt.value == alt.keys)
            entries[alt.keys] = Commented(act, f"{c.file}:{alt.line}")
            lengths.append(len(alt.keys))
    body: dict[str, Any] = {}
    if heard.pattern is not None:
        lengths += [heard.min_digits, heard.max_digits]
        line = owners[-1].line
        body["patterns"] = [
            Commented(
                {"match": f"/^(?:{heard.pattern})$/", **action(None, line)}, f"{c.file}:{line}"
            )
        ]
    low, high = (min(lengths), max(lengths)) if lengths else (1, 1)
    out: dict[str, Any] = {
        "min_digits": max(1, min(low, 32)),
        "max_digits": max(1, min(high, 32)),
        "terminator": c.termchar(*owners),
        "into": name,
        "early": True,
    }
    if entries:
        out["entries"] = entries
    out.update(body)
    return out
