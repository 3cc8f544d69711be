"""Scripted test calls: call files, a runner, coverage, JUnit XML and a pytest plugin.

A call file (``*.calls.yaml``) names a menu and lists calls, each a sequence
of caller actions (press, say, silence) and expectations (prompt, route,
node, hang-up). ``ivr test`` and ``pytest`` both run them through
``ivr.scripted.runner``, so a call means the same thing everywhere.
"""

from __future__ import annotations

from ivr.scripted.callfile import LoadedFile, find_call_files, load_call_file, load_call_files
from ivr.scripted.model import CallFile, CallStep, ScriptedCall
from ivr.scripted.runner import CallOutcome, FileOutcome, run_call, run_files

__all__ = [
    "CallFile",
    "CallOutcome",
    "CallStep",
    "FileOutcome",
    "LoadedFile",
    "ScriptedCall",
    "find_call_files",
    "load_call_file",
    "load_call_files",
    "run_call",
    "run_files",
]
