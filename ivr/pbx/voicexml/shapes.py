"""Dialog shapes that are ivr constructs, and document-level links as global commands.

Some VoiceXML idioms mean exactly what an ivr construct means, and reading
them as that construct keeps a menu's paths and a round trip exact:

* a choice leading to a form whose one ``<block>`` speaks and goes straight
  back to the choosing dialog is ivr's ``info:``;
* a choice leading to a form whose one field is a yes/no question
  (``type="boolean"``) and whose ``<filled>`` acts on yes is that action with
  ``confirm: true`` (ivr's "Did you say ...?");
* a ``<link>`` in the document (VoiceXML 2.0 section 2.5: its grammar is
  active in every dialog) is a global command: to the first dialog it is
  ``main_menu``, to a transfer it is a speed-dial shortcut when its keys are
  the number (else the ``operator``), a link throwing ``help`` is ``help``,
  one throwing an event whose handler only reprompts is ``repeat``, and one
  whose handler in each dialog goes to the dialog above it is ``back``
  (checked once the tree is known, ``ivr.pbx.voicexml.passes``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ivr.pbx.voicexml import catches
from ivr.pbx.voicexml.flow import Action, Scope
from ivr.pbx.voicexml.srgs import dtmf_attr
from ivr.pbx.voicexml.xmltree import XNode

if TYPE_CHECKING:
    from ivr.pbx.voicexml.compile import Compiler

_SPOKEN = ("prompt", "audio", "value")


def _dialog_of(c: Compiler, nid: str) -> XNode | None:
    for vid, entry in c.entry.items():
        if entry == nid:
            return c.dialogs[vid]
    return None


def recognise(c: Compiler, action: Action, here: str | None, el: XNode) -> Action:
    """``action`` as ``info:`` or with ``confirm: true`` when its dialog has that shape."""
    if set(action) != {"goto"}:
        return action
    dialog = _dialog_of(c, action["goto"])
    if dialog is None or dialog.tag != "form":
        return action
    from ivr.pbx.voicexml.compile import ITEMS

    items = list(dialog.elements(*ITEMS))
    if len(items) != 1:
        return action
    item = items[0]
    if item.tag == "block" and here is not None:
        stmts = [s for s in item.children if isinstance(s, XNode) or s.strip()]
        last = stmts[-1] if stmts else None
        if (
            isinstance(last, XNode)
            and last.tag == "goto"
            and c.entry.get((last.get("next") or "").lstrip("#")) == here
            and all(isinstance(s, str) or s.tag in _SPOKEN for s in stmts[:-1])
        ):
            text = c.speech.text(stmts[:-1])
            if text:
                return {"info": text}
    if item.tag == "field":
        then = _confirmed(c, dialog, item)
        if then is not None:
            name = item.get("name", "")
            scope = Scope([item, dialog, c.root])
            act = c.flow.run(
                then, {name: "true"}, scope, lambda cleared: {"do": "hangup"}, item.line
            )
            if "goto" in act or "route" in act:
                c.warn(el.line, f"yes/no dialog {dialog.get('id')!r}: taken as confirm: true; "
                       "a no returns to the choosing dialog")  # fmt: skip
                return {**act, "confirm": True}
    return action


def _confirmed(c: Compiler, dialog: XNode, item: XNode) -> list[XNode | str] | None:
    """The statements run on yes, when ``item`` is a yes/no field acting on yes."""
    kind = (item.get("type") or "") + " ".join(g.get("src", "") for g in item.elements("grammar"))
    if "boolean" not in kind:
        return None
    filled = [f for owner in (item, dialog) for f in owner.elements("filled")]
    stmts = [s for f in filled for s in f.children if isinstance(s, XNode) or s.strip()]
    if len(stmts) != 1 or not isinstance(stmts[0], XNode) or stmts[0].tag != "if":
        return None
    cond = " ".join((stmts[0].get("cond") or "").split())
    name = item.get("name", "")
    if cond not in (name, f"{name} == true", f"{name}==true", f"{name} == 'true'"):
        return None
    then: list[XNode | str] = []
    for child in stmts[0].children:
        if isinstance(child, XNode) and child.tag in ("elseif", "else"):
            break
        then.append(child)
    return then


@dataclass
class Links:
    """What the document's links become: commands, shortcuts, and candidates for ``back``."""

    commands: dict[str, dict[str, Any]] = field(default_factory=dict)
    shortcuts: list[str] = field(default_factory=list)
    #: event name -> (link line, key, words, {dialog node: goto target or None})
    back: dict[str, tuple[int, str | None, list[str], dict[str, str | None]]] = field(
        default_factory=dict
    )
    #: service id -> what each link that routes there says first ("" for nothing)
    route_says: dict[str, list[str]] = field(default_factory=dict)


def through(c: Compiler, action: Action, start: str) -> Action:
    """``action`` followed through the pass-through nodes it goes to (not the start)."""
    from ivr.pbx.voicexml import passes

    seen: set[str] = set()
    while set(action) - {"say", "set", "confirm"} == {"goto"}:
        target = action["goto"]
        if target == start or target in seen or target not in c.nodes:
            break
        rule = passes.passthrough(c.nodes[target][0])
        merged = passes.merge(action, rule) if rule is not None else None
        if merged is None:
            break
        seen.add(target)
        action = merged
    return action


def links(c: Compiler, start: str) -> Links:
    out = Links()
    for dialog in c.dialogs.values():
        for el in (
            e for owner in [dialog, *dialog.elements("field")] for e in owner.elements("link")
        ):
            c.warn(
                el.line,
                "link inside a dialog: not simulated (only document links are global commands)",
            )
    for el in c.root.elements("link"):
        heard = c.heard(el)
        key = dtmf_attr(el.get("dtmf", ""), "", el.line).keys if el.get("dtmf") else None
        if key is None and any(a.dtmf for a in heard.alts):
            key = next(a.keys for a in heard.alts if a.dtmf)
        words = [a.words for a in heard.alts if not a.dtmf]
        _link(c, el, key, words, start, out)
    return out


def _command(
    out: Links, c: Compiler, el: XNode, name: str, key: str | None, words: list[str], extra: Action
) -> None:
    if name in out.commands:
        c.warn(el.line, f"link: a second {name} command; not simulated")
        return
    if key is not None and len(key) != 1:
        c.warn(el.line, f"link dtmf={key!r}: a command takes one key; the key is dropped")
        key = None
    if key is not None and any(b.get("key") == key for b in out.commands.values()):
        c.warn(el.line, f"link dtmf={key!r}: an earlier link has this key; the key is dropped")
        key = None
    if key is None and not words:
        c.warn(el.line, "link with neither one key nor words: not simulated")
        return
    body: dict[str, Any] = {
        **({"key": key} if key else {}),
        **({"words": words} if words else {}),
        **extra,
    }
    out.commands[name] = body


def _link(
    c: Compiler, el: XNode, key: str | None, words: list[str], start: str, out: Links
) -> None:
    event = el.get("event") or (el.get("eventexpr") or "").strip("'\"")
    if not event:
        from ivr.pbx.voicexml.fields import choice_action

        action = through(c, choice_action(c, el, Scope([c.root]), None), start)
        if "route" in action:
            out.route_says.setdefault(action["route"], []).append(str(action.get("say", "")))
        if action == {"goto": start}:
            _command(out, c, el, "main_menu", key, words, {})
        elif "route" in action:
            number = c.services[action["route"]][0].get("number")
            if key is not None and key == number and not action.get("confirm"):
                out.shortcuts.append(action["route"])
            else:
                extra = {
                    "route": action["route"],
                    **({"confirm": True} if action.get("confirm") else {}),
                }
                _command(out, c, el, "operator", key, words, extra)
        else:
            c.warn(el.line, "link to a dialog other than the first or a transfer: not simulated")
        return
    if event == "help":
        _command(out, c, el, "help", key, words, {})
        return
    per_dialog = {
        c.entry[vid]: catches.selected(event, [*list(d.elements("field"))[:1], d], 1, c.warn)
        for vid, d in c.dialogs.items()
    }
    if any(h is not None for h in per_dialog.values()):
        targets: dict[str, str | None] = {}
        for nid, handler in per_dialog.items():
            goto = handler.first("goto") if handler is not None else None
            uri = (goto.get("next") or "") if goto is not None else ""
            targets[nid] = c.entry.get(uri.lstrip("#")) if uri.startswith("#") else None
        out.back[event] = (el.line, key, words, targets)
        return
    handler = catches.selected(event, [c.root], 1, c.warn)
    if handler is None:
        c.warn(el.line, f"link event={event!r} with no handler: not simulated")
        return
    kids = [e.tag for e in handler.elements()]
    if kids == ["reprompt"] and not handler.text():
        _command(out, c, el, "repeat", key, words, {})
        return
    action = c.flow.run(
        list(handler.children), {}, Scope([c.root]), lambda cleared: {"do": "hangup"}, handler.line
    )
    action = through(c, action, start)
    if "route" in action:
        out.route_says.setdefault(action["route"], []).append(str(action.get("say", "")))
    if action == {"goto": start}:
        _command(out, c, el, "main_menu", key, words, {})
    elif set(action) - {"say"} == {"route"}:
        _command(out, c, el, "operator", key, words, {"route": action["route"]})
    else:
        c.warn(el.line, f"link event={event!r}: its handler is not a global command; not simulated")
