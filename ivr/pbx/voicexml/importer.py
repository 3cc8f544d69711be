"""A VoiceXML document as an ivr menu document: dialogs, then links, then tidying.

The menu starts at the chosen dialog (``--menu ID``, else the first, as a
VoiceXML interpreter starts a document at its first dialog, section 1.5.1)
and carries VoiceXML's own behaviour where ivr would otherwise add its own:
no retry limit (the handlers decide; the call limits still end a loop),
no "connecting you" message and no goodbye unless the document speaks them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ivr.errors import Location, MenuError, MenuErrors
from ivr.pbx.common import Imported, node_id, pbx_error, sound_texts_near
from ivr.pbx.voicexml import catches, passes, shapes, xmltree
from ivr.pbx.voicexml.compile import DIALOGS, Compiler
from ivr.pbx.yamlout import Commented, dump

#: VoiceXML leaves these to the platform (6.3.2, 6.3.3); the simulator's choice.
PLATFORM_TIMEOUT = 5.0
PLATFORM_INTERDIGIT = 2.0
_TIME_HELPER = re.compile(r"function\s+(ivr_within)\s*\(")
_DOC_QUIET = frozenset(
    {
        "meta",
        "metadata",
        "property",
        "catch",
        "noinput",
        "nomatch",
        "help",
        "error",
        "link",
        "var",
        "script",
        *DIALOGS,
    }
)


def import_document(text: str, file: str, start: str | None = None) -> Imported:
    root = xmltree.parse(text, file)
    c = Compiler(root, file, sound_texts_near(Path(file)))
    if root.get("version") not in ("2.0", "2.1"):
        c.warn(root.line, f"vxml version={root.get('version')!r}: read as VoiceXML 2.1")
    c.dialog_ids()
    starts = tuple(c.dialogs)
    if start is not None and start not in c.dialogs:
        raise pbx_error(
            Location(file, root.line, 1),
            f"the document has no dialog {start!r} to start at",
            "use --menu with one of: " + ", ".join(starts),
        )
    for el in root.elements():
        if el.tag == "var":
            c.variable(el)
        elif el.tag == "script":
            helper = _TIME_HELPER.search(el.all_text())
            if helper is not None:
                c.time_helper = helper.group(1)
            else:
                c.warn(el.line, "script: not run; what it defines is unknown to the simulator")
        elif el.tag not in _DOC_QUIET:
            c.warn(el.line, f"<{el.tag}> in the document: not simulated")
    for vid, el in c.dialogs.items():
        if el.tag == "menu":
            c.menu(vid, el)
        else:
            c.form(vid, el)
    start_node = c.entry[start or starts[0]]
    apologies = passes.escalations(c.nodes, c.ladders, c.warnings)
    links = shapes.links(c, start_node)
    errors = [
        pbx_error(
            Location(file, line, 1),
            "dialogs loop without ever waiting for the caller: " + " -> ".join([*cycle, cycle[0]]),
            "add a field or menu to the loop, or end it with <exit/>",
        )
        for line, cycle in passes.loops(c.nodes)
    ]
    if errors:
        raise errors[0] if len(errors) == 1 else MenuErrors(errors)
    passes.inline(c.nodes, start_node)
    command_gotos = [b["goto"] for b in links.commands.values() if "goto" in b]
    keep = passes.reachable(c.nodes, start_node, command_gotos)
    nodes = {nid: c.nodes[nid] for nid in keep}
    _back(c, links, nodes, start_node)
    _command_keys(c, links, nodes)
    passes.hoist_announcements(nodes, c.services, links.route_says)
    passes.services_entries(nodes, c.services)
    text = _render(c, root, nodes, links, start_node, apologies)
    return Imported(text, tuple(c.warnings), starts)


def _back(
    c: Compiler, links: shapes.Links, nodes: dict[str, tuple[dict[str, Any], int]], start: str
) -> None:
    """A link whose handler in every dialog goes to a dialog that leads to it is ``back``
    (VoiceXML keeps no history, so each dialog names one; ivr goes back where the call
    came from)."""
    if not links.back:
        return
    edges = passes.edges(nodes)
    for event, (line, key, words, targets) in links.back.items():
        known = {
            n: shapes.through(c, {"goto": t}, start).get("goto") if t else None
            for n, t in targets.items()
            if n in nodes and n != start
        }
        if (
            known
            and all((t, n) in edges for n, t in known.items())
            and "back" not in links.commands
        ):
            body: dict[str, Any] = {
                **({"key": key} if key else {}),
                **({"words": words} if words else {}),
            }
            if body:
                links.commands["back"] = body
                continue
        c.warn(
            line,
            f"link event={event!r}: its handlers do not all go to the dialog above; not simulated",
        )


def _command_keys(
    c: Compiler, links: shapes.Links, nodes: dict[str, tuple[dict[str, Any], int]]
) -> None:
    """A dialog's own choice wins over a document link's key (VoiceXML 2.0 3.1.4): the
    command keeps its words only."""
    used = {
        passes.plain(o).get("key"): line
        for body, line in nodes.values()
        for o in body.get("options", ())
    }
    for name, body in list(links.commands.items()):
        key = body.get("key")
        if key is not None and key in used:
            c.warn(used[key], f"key {key!r} is a choice here and the {name} link elsewhere: "
                   f"the {name} command keeps only its words")  # fmt: skip
            body.pop("key")
            if not body.get("words"):
                links.commands.pop(name)


def _language(c: Compiler, root: xmltree.XNode) -> str:
    raw = (root.get("xml:lang") or "en").split("-")[0].lower()
    if not re.fullmatch(r"[a-z]{2,3}", raw):
        c.warn(root.line, f"xml:lang={root.get('xml:lang')!r}: not a language code; read as en")
        return "en"
    return raw


def _render(
    c: Compiler,
    root: xmltree.XNode,
    nodes: dict[str, tuple[dict[str, Any], int]],
    links: shapes.Links,
    start: str,
    apologies: tuple[str, str, str] | None,
) -> str:
    where = c.file
    settings: dict[str, Any] = {
        "no_input_timeout": c.seconds(*c.doc_props["timeout"])
        if "timeout" in c.doc_props
        else PLATFORM_TIMEOUT,
        "inter_digit_timeout": (
            c.seconds(*c.doc_props["interdigittimeout"])
            if "interdigittimeout" in c.doc_props
            else PLATFORM_INTERDIGIT
        ),
        "max_no_input": 0,
        "max_no_match": 0,
        "on_max_failures": {"do": "hangup"},
    }
    if "bargein" in c.doc_props:
        settings["barge_in"] = c.doc_props["bargein"][0] != "false"
    used = {a["route"] for body, _ in nodes.values() for a in passes.actions(body) if "route" in a}
    used |= set(links.shortcuts) | {b["route"] for b in links.commands.values() if "route" in b}
    doc: dict[str, Any] = {
        "menu": node_id(Path(where).stem or "voicexml"),
        "title": f"VoiceXML {Path(where).name}",
        "languages": [_language(c, root)],
        "start": start,
        "settings": settings,
        "messages": {"connecting": "", "goodbye": ""},
    }
    if apologies is not None:
        doc["messages"].update(zip(("no_input", "no_match", "invalid_key"), apologies, strict=True))
    help_el = catches.selected("help", [root], 1, c.warn)
    if help_el is not None and help_el.text():
        doc["messages"]["help"] = help_el.text()
    elif help_el is not None:
        doc["messages"]["help"] = c.speech.text(
            [k for k in help_el.children if isinstance(k, str) or k.tag == "prompt"]
        )
    if c.variables:
        doc["variables"] = dict(c.variables)
    services = {
        sid: Commented(body, f"{where}:{line}")
        for sid, (body, line) in c.services.items()
        if sid in used
    }
    if services:
        doc["services"] = services
    if links.commands:
        doc["commands"] = links.commands
    if links.shortcuts:
        doc["shortcuts"] = list(dict.fromkeys(links.shortcuts))
    doc["nodes"] = {
        nid: Commented(_commented_rules(body, f"{where}:{line}"), f"{where}:{line}")
        for nid, (body, line) in nodes.items()
    }
    header = [f"ivr menu compiled from the VoiceXML document {where} (ivr import)."]
    header += [f"warning: {w.text} (line {w.where.line})" for w in c.warnings]
    return dump(doc, "\n".join(header))


def _commented_rules(body: dict[str, Any], where: str) -> dict[str, Any]:
    if "branch" in body:
        body["branch"] = [
            r if isinstance(r, Commented) else Commented(r, where) for r in body["branch"]
        ]
    return body


__all__ = ["MenuError", "import_document"]
