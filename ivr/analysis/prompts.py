"""Prompts that promise keys the node does not have, or hide keys it does; silent numbers.

A prompt is the only manual a caller gets. "Press 4" with no option 4 sends
them round the no-match loop; an option the prompt never mentions is one a
keypad caller cannot find. And a caller put through to a number should hear
the number, so they can call it directly next time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ivr.analysis.findings import Finding, Severity
from ivr.model import LangText, Menu, Node
from ivr.textnorm import digit_runs, tokens

#: Words that introduce keys ("press 1", "key 1 1 3", "trykk 4", "tast 8").
TRIGGERS = {
    "en": {"press", "key", "dial", "push", "enter", "type"},
    "nb": {"trykk", "trykke", "tast", "taste", "ring"},
}
#: Words that carry the list on after a trigger ("press 1 for X, 2 for Y, or 3 ...").
JOINERS = {"en": {"or", "and", "then"}, "nb": {"eller", "og", "så"}}
#: Spoken names of the star and hash keys.
KEY_WORDS = {
    "en": {"star": "*", "asterisk": "*", "hash": "#", "pound": "#", "square": "#",
           "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
           "six": "6", "seven": "7", "eight": "8", "nine": "9"},
    "nb": {"stjerne": "*", "stjernetasten": "*", "firkant": "#", "firkanttasten": "#",
           "null": "0", "to": "2", "tre": "3", "fire": "4", "fem": "5", "seks": "6",
           "sju": "7", "syv": "7", "åtte": "8", "ni": "9"},
}  # fmt: skip
_TOKEN = re.compile(r"[0-9]|[^\W\d_]+|[,]", re.UNICODE)
_SENTENCE = re.compile(r"[.!?;:]+(?:\s|$)")


@dataclass(frozen=True)
class Mention:
    keys: str  # one key ("4", "*") or a keyed number ("113")
    text: str


def key_mentions(text: str, lang: str) -> list[Mention]:
    """The keys a prompt tells the caller to press.

    Inside a sentence, a trigger word starts a list; a key right after the
    trigger, a comma or a joiner word belongs to it ("press 1 for X, 2 for Y
    or star for Z"). Digits anywhere else ("aged 12 to 24") are not keys.
    Spaced digits ("1 1 3") make one keyed number; digits after any other
    word are a number read out, and so are the comma-separated groups that
    follow them ("on 8 1 0, 5 9, 5 0 0").
    """
    triggers = TRIGGERS.get(lang, TRIGGERS["en"])
    joiners = JOINERS.get(lang, JOINERS["en"])
    words = KEY_WORDS.get(lang, KEY_WORDS["en"])
    found: list[Mention] = []
    for sentence in _SENTENCE.split(text):
        toks = [t.lower() for t in _TOKEN.findall(sentence)]
        listing = False
        expect = False  # the previous token allows a key to follow
        reading = False  # inside a number read out ("on 8 1 0, 5 9, 5 0 0"): not keys
        i = 0
        while i < len(toks):
            tok = toks[i]
            if tok in triggers:
                listing = expect = True
                i += 1
                continue
            if tok.isdigit() or tok in ("*", "#"):
                j = i
                while j < len(toks) and toks[j].isdigit():
                    j += 1
                group = "".join(toks[i:j]) or tok
                if listing and expect and not reading:
                    found.append(Mention(group, " ".join(toks[max(0, i - 1) : j])))
                else:
                    reading = True
                expect = False
                i = max(j, i + 1)
                continue
            if tok != ",":
                reading = False
            if tok in words and listing and expect:
                found.append(Mention(words[tok], " ".join(toks[max(0, i - 1) : i + 1])))
                expect = False
            elif tok == "," or tok in joiners:
                expect = True
            else:
                expect = False
            i += 1
    return found


def _texts(text: LangText) -> list[tuple[str, str]]:
    return list(text.texts)


def check_prompts(menu: Menu) -> list[Finding]:
    findings: list[Finding] = []
    shortcuts = {menu.services[sid].number for sid in menu.shortcuts}
    command_keys = {c.key for c in menu.commands if c.key}
    for node in menu.nodes.values():
        if node.branch or node.collect is not None:
            continue
        findings += _check_node(node, shortcuts, command_keys)
    findings += _check_announce(menu)
    return findings


def _check_node(node: Node, shortcuts: set[str], command_keys: set[str]) -> list[Finding]:
    findings: list[Finding] = []
    option_keys = {o.key: o for o in node.options if o.key is not None}
    allowed = set(option_keys) | command_keys
    for field_name, text in (("prompt", node.prompt), ("short_prompt", node.short_prompt),
                             ("help", node.help)):  # fmt: skip
        for lang, body in _texts(text):
            mentions = key_mentions(body, lang)
            said = set()
            for mention in mentions:
                keys = mention.keys
                if len(keys) > 1:
                    if keys not in shortcuts:
                        findings.append(
                            Finding(
                                Severity.WARNING, "prompt-unknown-number", node.where,
                                f"[{lang}] {field_name} of node {node.id!r} tells callers to "
                                f"key {' '.join(keys)}, which is not a shortcut",
                                "add the service to shortcuts:, or reword the prompt",
                            )
                        )  # fmt: skip
                    continue
                said.add(keys)
                if keys not in allowed:
                    findings.append(
                        Finding(
                            Severity.WARNING, "prompt-unknown-key", node.where,
                            f"[{lang}] {field_name} of node {node.id!r} mentions key {keys} "
                            f"({mention.text!r}) but no option or command has key {keys}",
                            f"add an option with key: {keys!r}, or fix the prompt",
                        )
                    )  # fmt: skip
            if field_name != "prompt":
                continue
            for key, option in sorted(option_keys.items()):
                if key not in said:
                    findings.append(
                        Finding(
                            Severity.WARNING, "prompt-missing-key", option.where,
                            f"[{lang}] prompt of node {node.id!r} never mentions key {key} "
                            f"({option.label.get(lang)})",
                            f'add e.g. "press {key} for {option.label.get(lang)}" to the prompt'
                            if lang == "en"
                            else f"mention key {key} in the prompt",
                        )
                    )  # fmt: skip
    return findings


def announced_numbers(text: str, lang: str) -> list[str]:
    """Digit runs a caller hears in ``text``: "1 1 6, 1 1 7", "one one three", "02800"."""
    runs = digit_runs(tokens(text, lang))
    plain = re.sub(r"(?<=\d)[\s,.-]+(?=\d)", "", text)
    return runs + re.findall(r"\d+", plain)


def _check_announce(menu: Menu) -> list[Finding]:
    findings: list[Finding] = []
    for service in menu.services.values():
        template = service.announce or menu.messages.connecting
        for lang in menu.languages:
            body = template.get(lang)
            if not body:
                continue
            try:
                text = body.format(service=service.name.get(lang), number=service.display)
            except (KeyError, IndexError, ValueError):
                findings.append(
                    Finding(
                        Severity.ERROR, "announce-template", service.where,
                        f"[{lang}] announce of service {service.id!r} has a placeholder "
                        "other than {service} and {number}",
                        "write {number} for the number; double other braces: {{ }}",
                    )
                )  # fmt: skip
                continue
            if service.target:  # a PBX destination (a queue, an extension): not a number
                continue  # the caller dials again, so it need not be heard
            if not any(service.number in run for run in announced_numbers(text, lang)):
                findings.append(
                    Finding(
                        Severity.WARNING, "route-number-unannounced", service.where,
                        f"[{lang}] callers put through to {service.id!r} never hear its "
                        f"number {service.display}",
                        "say the number in announce:, digit by digit (e.g. 1 1 6 1 1 7) or "
                        "grouped, or use {number}",
                    )
                )  # fmt: skip
    return findings
