"""``ivr new FILE``: start a menu from a small, commented example and calls that pass.

A first menu is easier to change than to write: the example shows each part of
the format once (settings, services with spoken numbers, global commands, keys
and words, information, a submenu) and passes ``ivr lint --strict``; the call
file beside it passes ``ivr test``, so the user starts green and sees at once
what an edit broke. Nothing is ever overwritten.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
from pathlib import Path
from string import Template

from ivr.errors import IvrError
from ivr.scripted.callfile import CALL_FILE_SUFFIX

MENU_SUFFIXES = (".yaml", ".yml")

MENU = Template("""\
# A phone menu for ivr, started by `ivr new`: a small clinic, to change into yours.
# In this folder, check it with `ivr lint $menu_file --strict`; call it with
# `ivr run $menu_file` (press keys, or type what a caller says); run the calls
# beside it with `ivr test $calls_file`; draw it with
# `ivr graph $menu_file --format html --out $html_file`.
# The whole format is in ivr's README.md, "The menu format".
menu: $menu_id
title: $title
languages: [en]             # the first is the default; every text needs each language

start: main                 # the node every call begins at

settings:                   # for every node; a node's own settings: override them
  no_input_timeout: 5       # seconds of silence before the menu asks again
  max_no_input: 3           # after 3 silences
  max_no_match: 3           # or 3 answers it cannot match,
  on_max_failures: {route: reception}   # a person takes over (or {do: hangup})

services:                   # where calls end; numbers always quoted ("02800")
  reception:
    number: "555 0100"
    name: the reception desk
    announce: Connecting you to the reception desk, {number}.   # callers hear the number
  appointments:
    number: "555 0101"
    name: appointments
    announce: Connecting you to appointments, {number}.
  nurse:
    number: "555 0102"
    name: the nurse line
    announce: Connecting you to the nurse line, {number}.

commands:                   # work at every node, by key or by word
  repeat: {key: "#", words: [repeat, say that again]}
  back: {key: "*", words: [back, go back]}
  operator: {key: "0", words: [operator, reception], route: reception}

nodes:
  main:
    prompt: >-
      Welcome to the clinic. For appointments, press 1 or say appointments.
      For opening hours, press 2. For test results, press 3.
      For reception, press 0 at any time.
    short_prompt: Press 1 for appointments, 2 for opening hours, 3 for test results, or 0.
    help: Say or press what you need. Star goes back, hash repeats.
    options:
      - key: 1
        label: appointments  # heard as a phrase too: callers repeat what the prompt says
        words: [appointment, book an appointment]   # matched inside longer sentences
        route: appointments
      - key: 2
        label: opening hours
        words: [when are you open]
        info: We are open Monday to Friday, from 8 in the morning to 4 in the afternoon.
      - key: 3
        label: test results
        words: [results, blood test]
        goto: results       # a submenu

  results:
    prompt: >-
      Test results. To hear how to get your results, press 1.
      To talk to a nurse about them, press 2.
    options:
      - key: 1
        label: how to get results
        words: [how do I get them]
        info: Results are ready after five working days. Call back then, or ask the nurse.
      - key: 2
        label: a nurse
        words: [nurse, talk to a nurse]
        route: nurse
""")

CALLS = Template("""\
# Scripted calls through $menu_file: `ivr test $calls_file` (or pytest).
# Each call is steps a caller takes (press, say, silence) and what must happen
# (expect_prompt, expect_route, expect_node, ...). Add one for every change.
menu: $menu_path

calls:
  - name: appointments by key
    steps:
      - expect_prompt: Welcome to the clinic
      - press: "1"
      - expect_route: 555 0101
  - name: appointments in a sentence
    steps:
      - say: I would like to book an appointment
      - expect_route: 555 0101
  - name: opening hours are read out
    steps:
      - press: "2"
      - expect_prompt: Monday to Friday
  - name: a nurse through the results submenu
    steps:
      - say: blood test
      - expect_node: results
      - press: "2"
      - expect_route: 555 0102
  - name: how to get test results
    steps:
      - press: "3"
      - press: "1"
      - expect_prompt: five working days
  - name: hash repeats the prompt
    steps:
      - press: "#"
      - expect_prompt: Welcome to the clinic
  - name: star goes back to the main menu
    steps:
      - press: "3"
      - press: "*"
      - expect_node: main
  - name: reception from anywhere
    steps:
      - press: "3"
      - press: "0"
      - expect_route: 555 0100
  - name: three silences reach a person
    steps:
      - silence: 6
      - silence: 6
      - silence: 6
      - expect_route: 555 0100
""")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "new",
        help="write a small commented example menu and a call file that passes",
        description="Write FILE, a small commented menu to start from, and beside it "
        "STEM.calls.yaml, scripted calls that pass on it. Both pass ivr lint --strict and "
        "ivr test. Existing files are never overwritten.",
    )
    parser.add_argument("file", metavar="FILE", help="the menu to write, e.g. menus/clinic.yaml")
    parser.set_defaults(handler=run)


def calls_path(menu: Path) -> Path:
    """``clinic.yaml`` -> ``clinic.calls.yaml``, in the same folder."""
    return menu.with_name(menu.name[: -len(menu.suffix)] + CALL_FILE_SUFFIX)


def menu_id(stem: str) -> str:
    """A menu id (letters, digits, ``_`` and ``-``, not starting with a digit) from a file stem."""
    cleaned = re.sub(r"[^A-Za-z0-9_-]+", "_", stem).strip("_-") or "menu"
    return cleaned if not cleaned[0].isdigit() else "menu_" + cleaned


def _check(menu: Path) -> Path:
    name = menu.name
    if name.endswith(CALL_FILE_SUFFIX):
        raise IvrError(
            f"{menu} is a call file name (*{CALL_FILE_SUFFIX})",
            f"give the menu's name, e.g. {name[: -len(CALL_FILE_SUFFIX)]}.yaml; "
            "its call file is written beside it",
        )
    if menu.suffix not in MENU_SUFFIXES or not menu.stem:
        raise IvrError(f"{menu} does not end in .yaml", "e.g. ivr new menus/clinic.yaml")
    calls = calls_path(menu)
    for path in (menu, calls):
        if path.exists():
            raise IvrError(
                f"{path} already exists",
                "ivr new never overwrites: give another name, or move that file away",
            )
    return calls


def _create(path: Path, text: str) -> None:
    """Write a new file; ``O_EXCL`` so a file that appeared meanwhile is not overwritten."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except FileExistsError:
        raise IvrError(f"{path} already exists", "ivr new never overwrites") from None
    except OSError as exc:
        raise IvrError(
            f"cannot write {path}: {exc.strerror or exc}", "check the folder is writable"
        ) from None
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)


def run(args: argparse.Namespace) -> int:
    menu = Path(args.file)
    calls = _check(menu)
    stem = menu.name[: -len(menu.suffix)]
    fields = {
        "menu_file": shlex.quote(menu.name),
        "calls_file": shlex.quote(calls.name),
        "html_file": shlex.quote(stem + ".html"),
        "menu_id": menu_id(stem),
        "title": json.dumps(stem.replace("_", " ").replace("-", " ").strip() or stem),
        "menu_path": json.dumps(menu.name),  # relative to the call file's folder
    }
    _create(menu, MENU.substitute(fields))
    try:
        _create(calls, CALLS.substitute(fields))
    except IvrError:
        menu.unlink(missing_ok=True)  # both or neither
        raise
    count = CALLS.template.count("\n  - name: ")
    print(f"wrote {menu} (a menu to change into yours) and {calls} ({count} calls that pass on it)")
    shown, shown_calls = shlex.quote(str(menu)), shlex.quote(str(calls))
    print(f"next: ivr run {shown}, ivr test {shown_calls}, ivr lint {shown} --strict")
    return 0
