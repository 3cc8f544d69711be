"""JUnit XML for CI systems: a testsuite per call file, a testcase per call.

Written to a temporary file beside the target and renamed over it, so a CI
never picks up half a report from an interrupted run. Each testsuite's ``id``
is the file's place in the run, the same in every shard of a ``--shard K/N``
run (``ivr.scripted.select``), so ``merge_junit`` can rebuild the unsharded
report from the shards' reports.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ivr.errors import IvrError
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
    for number, file in enumerate(files):
        seconds = sum(c.wall_seconds for c in file.calls)
        total_time += seconds
        suite = ET.SubElement(
            root,
            "testsuite",
            name=file.path,
            id=str(number),
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


@dataclass(frozen=True)
class Totals:
    """What a merged report holds, for the line ``ivr test --merge-junit`` prints."""

    reports: int
    files: int
    tests: int
    failures: int
    errors: int
    skipped: int


def _read_report(path: str) -> list[ET.Element]:
    """The testsuites of one JUnit file (a ``testsuites`` root, or a lone ``testsuite``)."""
    try:
        root = ET.parse(path).getroot()
    except FileNotFoundError:
        raise IvrError(f"JUnit report {path} does not exist", "check the path") from None
    except ET.ParseError as exc:
        line, col = exc.position
        reason = str(exc).split(":", 1)[0]
        raise IvrError(
            f"{path}:{line}:{col + 1}: not well-formed XML: {reason}",
            "give the files ivr test --junit wrote, whole",
        ) from None
    except OSError as exc:
        raise IvrError(f"cannot read JUnit report {path}: {exc.strerror or exc}") from None
    if root.tag == "testsuite":
        return [root]
    if root.tag != "testsuites":
        raise IvrError(
            f"{path}: not a JUnit report (its root is <{root.tag}>, not <testsuites>)",
            "give the files ivr test --junit wrote",
        )
    return root.findall("testsuite")


def _line(case: ET.Element) -> int:
    try:
        return int(case.get("line", ""))
    except ValueError:
        return 0


def _seconds(element: ET.Element) -> float:
    try:
        return float(element.get("time", "0"))
    except ValueError:
        return 0.0


def _gather(inputs: Sequence[str]) -> list[ET.Element]:
    """One testsuite per call file, holding its cases from every report, in run order."""
    suites: dict[str, ET.Element] = {}
    order: dict[str, tuple[float, int]] = {}
    seen: dict[tuple[str, str], str] = {}
    for path in inputs:
        for suite in _read_report(path):
            name = suite.get("name", "")
            if name not in suites:
                try:
                    place = float(suite.get("id", ""))
                except ValueError:
                    place = float("inf")  # no id: after those with one, in input order
                order[name] = (place, len(order))
                merged = suites[name] = ET.Element("testsuite", name=name)
                if suite.get("id") is not None:
                    merged.set("id", suite.get("id", ""))
                properties = suite.find("properties")
                if properties is not None:
                    merged.append(properties)
            for case in suite.findall("testcase"):
                call = (name, case.get("name", ""))
                if call in seen:
                    raise IvrError(
                        f"call {call[1]!r} of {name} is in both {seen[call]} and {path}",
                        "merge the shards of one run, each once",
                    )
                seen[call] = path
                suites[name].append(case)
    return [suites[name] for name in sorted(suites, key=lambda n: order[n])]


def _recount(suite: ET.Element) -> dict[str, int]:
    """Put the suite's calls back in file order and its counts and time right."""
    properties = suite.find("properties")
    cases = sorted(suite.findall("testcase"), key=_line)
    for child in list(suite):
        suite.remove(child)
    counts = {
        "tests": len(cases),
        "failures": sum(1 for c in cases if c.find("failure") is not None),
        "errors": sum(1 for c in cases if c.find("error") is not None),
        "skipped": sum(1 for c in cases if c.find("skipped") is not None),
    }
    for field_name, value in counts.items():
        suite.set(field_name, str(value))
    suite.set("time", f"{sum(_seconds(c) for c in cases):.3f}")
    if properties is not None:
        suite.append(properties)
    suite.extend(cases)
    return counts


def merge_junit(inputs: Sequence[str], out: str | Path) -> Totals:
    """Merge JUnit reports (the shards of one run) into one, written atomically to ``out``.

    Testsuites of the same call file become one, its calls back in file order
    (by ``line``) and the files in run order (by ``id``), with every count and
    time summed again; so the merge of ``--shard 1/N`` ... ``N/N`` equals the
    unsharded report but for the times. A call in two reports is an error: it
    means shards of different runs, or one shard given twice.
    """
    suites = _gather(inputs)
    root = ET.Element("testsuites", name="ivr")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    seconds = 0.0
    for suite in suites:
        for field_name, value in _recount(suite).items():
            totals[field_name] += value
        seconds += _seconds(suite)
        root.append(suite)
    for field_name in ("tests", "failures", "errors"):
        root.set(field_name, str(totals[field_name]))
    root.set("time", f"{seconds:.3f}")
    ET.indent(root)
    with atomic_output(out, "JUnit report") as handle:
        ET.ElementTree(root).write(handle, encoding="utf-8", xml_declaration=True)
    return Totals(
        len(inputs), len(suites), totals["tests"], totals["failures"], totals["errors"],
        totals["skipped"],
    )  # fmt: skip
