"""JUnit XML for CI systems: a testsuite per call file, a testcase per call.

Written to a temporary file beside the target and renamed over it, so a CI
never picks up half a report from an interrupted run.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

from ivr.fsutil import atomic_output
from ivr.scripted.report import failure_text, transcript_text
from ivr.scripted.runner import ERROR, FAIL, FileOutcome


def _classname(path: str) -> str:
    name = Path(path).name
    if name.endswith(".calls.yaml"):
        name = name[: -len(".calls.yaml")]
    return "calls." + name.replace(".", "_")


def junit_tree(files: Sequence[FileOutcome]) -> ET.ElementTree:
    root = ET.Element("testsuites", name="ivr")
    totals = {"tests": 0, "failures": 0, "errors": 0}
    total_time = 0.0
    for file in files:
        seconds = sum(c.wall_seconds for c in file.calls)
        total_time += seconds
        suite = ET.SubElement(
            root,
            "testsuite",
            name=file.path,
            tests=str(len(file.calls)),
            failures=str(file.failed),
            errors=str(file.errors),
            skipped="0",
            time=f"{seconds:.3f}",
        )
        ET.SubElement(
            ET.SubElement(suite, "properties"), "property", name="menu", value=file.menu_path
        )
        totals["tests"] += len(file.calls)
        totals["failures"] += file.failed
        totals["errors"] += file.errors
        for call in file.calls:
            line = call.where.rsplit(":", 2)[-2] if call.where.count(":") >= 2 else "1"
            case = ET.SubElement(
                suite,
                "testcase",
                name=call.name,
                classname=_classname(file.path),
                file=file.path,
                line=line,
                time=f"{call.wall_seconds:.3f}",
            )
            if call.status == FAIL and call.failure is not None:
                f = call.failure
                failure = ET.SubElement(
                    case,
                    "failure",
                    type="ExpectationFailed",
                    message=f"step {f.step} ({f.where}): {f.step_text}: expected {f.expected}; "
                    f"got {f.got}",
                )
                failure.text = failure_text(call)
            elif call.status == ERROR:
                error = ET.SubElement(
                    case, "error", type="CallError", message=call.error or "error"
                )
                error.text = failure_text(call)
            if call.transcript:
                ET.SubElement(case, "system-out").text = transcript_text(call, indent="")
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("time", f"{total_time:.3f}")
    ET.indent(root)
    return ET.ElementTree(root)


def write_junit(files: Sequence[FileOutcome], path: str | Path) -> None:
    """Write the report atomically (temporary file + rename)."""
    tree = junit_tree(files)
    with atomic_output(path, "JUnit report") as handle:
        tree.write(handle, encoding="utf-8", xml_declaration=True)
