"""An ``extensions.conf`` compiled into an ivr menu document, from one context's ``s``.

Reads the file (``config``), builds the contexts (``dialplan``), runs the
dialplan from ``CONTEXT,s,1`` (``runner`` and ``apps``) and writes the nodes,
services and call variables it found as the menu YAML, every node, entry,
pattern and rule commented with the line it came from.
"""

from __future__ import annotations

from pathlib import Path

from ivr.errors import Location, MenuErrors
from ivr.pbx.asterisk.config import read_config
from ivr.pbx.asterisk.dialplan import Dialplan, build_dialplan
from ivr.pbx.asterisk.runner import Compiler
from ivr.pbx.asterisk.shapes import reshape
from ivr.pbx.asterisk.state import Doc, Point
from ivr.pbx.common import Imported, PbxWarning, node_id, pbx_error, sound_texts_near
from ivr.pbx.yamlout import Commented, dump

#: What an imported menu says where the PBX says nothing.
SILENT_MESSAGES = ("no_input", "no_match", "invalid_key", "goodbye", "connecting")


def read_dialplan(text: str, file: str) -> Dialplan:
    """The dialplan in ``text``; raises ``MenuErrors`` naming every line Asterisk refuses."""
    plan = build_dialplan(read_config(text, file), file)
    if plan.errors:
        raise MenuErrors(plan.errors)
    if not plan.contexts:
        raise pbx_error(
            Location(file, 1, 1),
            "no dialplan context in this file",
            "an extensions.conf has [context] sections with exten => lines",
        )
    return plan


def entry_points(plan: Dialplan) -> tuple[str, ...]:
    """The contexts a call can start in: those with an ``s`` extension."""
    compiler = Compiler(plan, {})
    return tuple(
        name
        for name, context in plan.contexts.items()
        if compiler.find(name, "s", context.where) is not None
    )


def import_dialplan(text: str, file: str, start: str | None = None) -> Imported:
    plan = read_dialplan(text, file)
    starts = entry_points(plan)
    context = _start_context(plan, starts, start, file)
    compiler = Compiler(plan, sound_texts_near(Path(file)))
    where = plan.contexts[context].where
    found = compiler.find(context, "s", where)
    if found is None:  # pragma: no cover - starts holds only contexts with s
        raise pbx_error(where, f"context {context!r} has no s extension")
    owner, extension = found
    action = compiler.run(Point(context, owner, extension.name, "s", 1))
    variables = dict(plan.globals)
    first = _start(compiler, action, variables, context, where)
    compiler.build_all()
    doc: Doc = {
        "menu": node_id(Path(file).stem or "asterisk").replace("-", "_"),
        "title": f"{context} ({Path(file).name})",
        "languages": ["en"],
        "start": first,
    }
    if variables:
        doc["variables"] = variables
    doc["settings"] = {
        "no_input_timeout": 10,
        "inter_digit_timeout": 5,
        "max_no_input": 0,
        "max_no_match": 0,
        "on_max_failures": {"do": "hangup"},
    }
    doc["messages"] = dict.fromkeys(SILENT_MESSAGES, "")
    if compiler.services:
        doc["services"] = compiler.services
    doc["nodes"] = {name: compiler.nodes[name] for name in compiler.order}
    reshape(doc, compiler.in_subroutine, compiler.context_of)
    header = (
        f"Imported by ivr import from {file} (Asterisk extensions.conf),\n"
        f"starting at context {context}, extension s, priority 1.\n"
        "Each node, entry, pattern and rule is commented with the line it comes from."
    )
    unique: dict[PbxWarning, None] = dict.fromkeys([*plan.warnings, *compiler.warnings])
    warnings = tuple(sorted(unique, key=lambda w: (w.where.file != file, w.where.line)))
    return Imported(dump(doc, header), warnings, starts)


def _start_context(plan: Dialplan, starts: tuple[str, ...], start: str | None, file: str) -> str:
    where = Location(file, 1, 1)
    listed = ", ".join(starts) or "none"
    if start is None:
        if not starts:
            raise pbx_error(
                where,
                "no context has an s extension to start a call at",
                "add exten => s,1,... to the menu's context",
            )
        return starts[0]
    if start not in plan.contexts:
        raise pbx_error(where, f"no context {start!r} in this dialplan", f"use one of: {listed}")
    if start not in starts:
        raise pbx_error(
            plan.contexts[start].where,
            f"context {start!r} has no s extension to start a call at",
            f"use one of: {listed}",
        )
    return start


def _start(
    compiler: Compiler, action: Doc, variables: dict[str, str], context: str, where: Location
) -> str:
    """The start node: where the first run leads, its constant settings folded into
    the menu's variables; a node of its own when it says or routes something."""
    sets = action.get("set", {})
    plain = set(action) <= {"set", "goto"} and "goto" in action
    if plain and all("${" not in v for v in sets.values()):
        variables.update(sets)
        target: str = action["goto"]
        return target
    at = f"{where.file}:{where.line}"
    return compiler.node(
        ("start",),
        context,
        "start",
        where,
        lambda: {"branch": [Commented({"otherwise": True, **action}, at)]},
    )
