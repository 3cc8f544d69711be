"""What a field or a choice listens for: SRGS XML grammars, the built-in types,
``<option>`` lists and ``dtmf`` attributes, as keys and phrases with their values.

Followed: SRGS 1.0 (W3C Recommendation 16 March 2004) sections 2.2-2.5
(``rule``, ``ruleref`` with local references and the special rules NULL, VOID
and GARBAGE, ``item`` with ``repeat``, ``one-of``, ``token``, ``tag``) and
VoiceXML 2.0 Appendix P for the built-in grammars (``boolean``: DTMF 1 is yes
and 2 is no; ``digits`` with ``length``/``minlength``/``maxlength``; ``date``
as yyyymmdd; ``time`` as hhmm; ``number``, ``currency`` and ``phone`` as
digits). A grammar with finitely many sentences becomes its list of
alternatives, each with its semantic value (the last ``tag`` that assigns a
literal, else the utterance: tokens joined by a space, SISR section 7); a DTMF
grammar with unbounded repeats becomes a regular expression over the keys.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ivr.pbx.voicexml.xmltree import XNode

MAX_ALTERNATIVES = 2000
_DTMF_KEYS = "0123456789*#"


@dataclass(frozen=True)
class Alt:
    """One sentence of a grammar: its keys (DTMF) or words (voice), and its value."""

    tokens: tuple[str, ...]
    value: str
    dtmf: bool
    line: int

    @property
    def keys(self) -> str:
        return "".join(self.tokens)

    @property
    def words(self) -> str:
        return " ".join(self.tokens)


@dataclass
class Heard:
    """Everything one field or choice listens for."""

    alts: list[Alt] = field(default_factory=list)
    #: DTMF sentences too many to list: a regular expression over the keys.
    pattern: str | None = None
    min_digits: int = 1
    max_digits: int = 1
    #: (line, text) of what could not be read exactly.
    warnings: list[tuple[int, str]] = field(default_factory=list)

    def extend(self, other: Heard) -> None:
        if other.pattern is not None:
            if self.pattern is None:
                self.pattern = other.pattern
                self.min_digits, self.max_digits = other.min_digits, other.max_digits
            else:
                self.pattern = f"(?:{self.pattern})|(?:{other.pattern})"
                self.min_digits = min(self.min_digits, other.min_digits)
                self.max_digits = max(self.max_digits, other.max_digits)
        self.alts.extend(other.alts)
        self.warnings.extend(other.warnings)


class _TooMany(Exception):
    pass


def dtmf_attr(text: str, value: str, line: int) -> Alt:
    """A ``dtmf`` attribute: "whitespace is optional: 123# is 1 2 3 #" (VoiceXML 2.0 2.2.2)."""
    keys = tuple(c for c in text if not c.isspace())
    return Alt(keys if all(k in _DTMF_KEYS for k in keys) else (), value, True, line)


_BUILTIN = re.compile(
    r"^(?:builtin:(?:(?P<mode>dtmf|voice|grammar)/)?)?(?P<type>[a-z]+)(?:\?(?P<params>.*))?$"
)


def builtin(spec: str, line: int, modes: tuple[bool, ...] = (True, False)) -> Heard | None:
    """A built-in grammar (``type="digits?length=4"`` or ``src="builtin:dtmf/digits..."``);
    None when ``spec`` names none."""
    match = _BUILTIN.match(spec.strip())
    if match is None:
        return None
    kind = match.group("type")
    if match.group("mode") in ("dtmf", "voice"):
        modes = (match.group("mode") == "dtmf",)
    pairs = (match.group("params") or "").replace(";", "&").split("&")
    params = dict(p.split("=", 1) for p in pairs if "=" in p)
    heard = Heard()
    if kind == "boolean":
        yes, no = params.get("y", "1"), params.get("n", "2")
        if True in modes:
            heard.alts += [Alt((yes,), "true", True, line), Alt((no,), "false", True, line)]
        if False in modes:
            heard.alts += [Alt(("yes",), "true", False, line), Alt(("no",), "false", False, line)]
        return heard
    lengths = {"date": (8, 8), "time": (4, 4)}
    if kind not in ("digits", "number", "currency", "phone", "date", "time"):
        return None
    if True not in modes:
        heard.warnings.append((line, f"builtin {kind} (voice): spoken {kind}s are heard as digits"))
    low, high = lengths.get(kind, (1, 32))
    try:
        if "length" in params:
            low = high = int(params["length"])
        low = int(params.get("minlength", low))
        high = int(params.get("maxlength", high))
    except ValueError:
        heard.warnings.append((line, f"builtin {kind}: parameters {params} not understood"))
    low, high = max(1, min(low, 32)), max(1, min(high, 32))
    heard.pattern = f"[0-9]{{{low},{max(low, high)}}}"
    heard.min_digits, heard.max_digits = low, max(low, high)
    if kind in ("number", "currency", "phone", "date", "time"):
        heard.warnings.append(
            (line, f"builtin {kind}: taken as {low}-{max(low, high)} digits (no * or spoken forms)")
        )
    return heard


def options(field_node: XNode) -> Heard:
    """A field's ``<option>`` list (VoiceXML 2.0 2.3.1.3): each its ``dtmf`` key and its
    text as a phrase, both worth its ``value`` (else the text)."""
    heard = Heard()
    for opt in field_node.elements("option"):
        text = opt.all_text()
        value = opt.get("value", text) or text
        keys = dtmf_attr(opt.get("dtmf", ""), value, opt.line)
        if keys.tokens:
            heard.alts.append(keys)
        elif opt.get("dtmf", "").strip():
            heard.warnings.append((opt.line, f"option dtmf={opt.get('dtmf')!r}: not phone keys"))
        if text and opt.get("accept") != "none":
            heard.alts.append(Alt(tuple(text.split()), value, False, opt.line))
    return heard


def grammar(node: XNode, default_dtmf: bool = False) -> Heard:
    """An inline SRGS XML ``<grammar>`` (or a built-in one named by ``src``)."""
    dtmf = (node.get("mode") or ("dtmf" if default_dtmf else "voice")) == "dtmf"
    src = node.get("src") or node.get("srcexpr")
    heard = Heard()
    if src:
        found = builtin(src, node.line, (dtmf,) if node.get("mode") else (True, False))
        if found is not None:
            return found
        heard.warnings.append(
            (node.line, f"grammar src={src!r}: external grammars are not read; it matches nothing")
        )
        return heard
    kind = node.get("type", "application/srgs+xml")
    rules = {r.get("id", ""): r for r in node.elements("rule")}
    if not rules:
        text = node.all_text()
        if text and kind in ("application/srgs+xml", ""):
            heard.warnings.append(
                (node.line, "grammar without <rule>: read as one phrase per line or '|'")
            )
        elif text:
            heard.warnings.append(
                (node.line, f"grammar type={kind!r}: read as one phrase per line or '|'")
            )
        for phrase in re.split(r"[|\n]", text if text else ""):
            tokens = _split(phrase, dtmf)
            if tokens:
                heard.alts.append(Alt(tokens, " ".join(tokens), dtmf, node.line))
        return heard
    root_id = node.get("root") or next(iter(rules))
    root = rules.get(root_id)
    if root is None:
        heard.warnings.append(
            (node.line, f"grammar root {root_id!r} is not a rule; it matches nothing")
        )
        return heard
    reader = _Reader(rules, dtmf, heard)
    try:
        for tokens, tags in reader.expand(root, 0):
            if not tokens:
                continue  # an empty sentence (NULL) is no input a caller can give
            value = reader.value(tags, node.line) if tags else None
            heard.alts.append(
                Alt(tokens, value if value is not None else " ".join(tokens), dtmf, node.line)
            )
    except _TooMany:
        heard.alts.clear()
        if dtmf:
            heard.pattern = reader.regex(root, 0)
            low, high = reader.lengths(root, 0)
            heard.min_digits = max(1, min(low, 32))
            heard.max_digits = max(heard.min_digits, min(high if high is not None else 32, 32))
            heard.warnings.append(
                (node.line, "grammar too large to list: keys are matched, its tags are not read")
            )
        else:
            heard.warnings.append(
                (node.line, f"voice grammar with over {MAX_ALTERNATIVES} phrases: not heard")
            )
    return heard


def _split(text: str, dtmf: bool) -> tuple[str, ...]:
    if dtmf:
        return tuple(c for c in text if c in _DTMF_KEYS)
    quoted = re.findall(r'"([^"]*)"|(\S+)', text)
    return tuple(" ".join((q or w).split()) for q, w in quoted if (q or w).strip())


_LITERAL_TAG = re.compile(
    r"""^(?:(?:var\s+)?[A-Za-z_$][\w$.]*\s*=\s*)?(?:'([^']*)'|"([^"]*)"|(-?\d+(?:\.\d+)?)|true|false)\s*;?$"""
)


class _Reader:
    def __init__(self, rules: dict[str, XNode], dtmf: bool, heard: Heard) -> None:
        self.rules = rules
        self.dtmf = dtmf
        self.heard = heard

    def value(self, tags: list[tuple[str, int]], line: int) -> str | None:
        """The last tag that assigns a literal: ``out='x'``, ``x="y"``, ``'x'`` or ``x``."""
        found: str | None = None
        for text, tag_line in tags:
            text = text.strip()
            match = _LITERAL_TAG.match(text)
            if match is not None:
                literal = next((g for g in match.groups() if g is not None), None)
                found = literal if literal is not None else text.split("=")[-1].strip(" ;")
            elif re.fullmatch(r"[\w.-]+", text):
                found = text
            else:
                self.heard.warnings.append(
                    (tag_line, f"tag {text!r}: semantic script not run; the utterance is the value")
                )
        return found

    def expand(
        self, node: XNode, depth: int
    ) -> list[tuple[tuple[str, ...], list[tuple[str, int]]]]:
        """Every sentence of ``node`` with its tags, in order."""
        if depth > 40:
            raise _TooMany
        seqs: list[tuple[tuple[str, ...], list[tuple[str, int]]]] = [((), [])]
        for child in node.children:
            parts: list[tuple[tuple[str, ...], list[tuple[str, int]]]]
            if isinstance(child, str):
                parts = [(_split(child, self.dtmf), [])]
            else:
                parts = self._element(child, depth)
            seqs = [(a + b, ta + tb) for a, ta in seqs for b, tb in parts]
            if len(seqs) > MAX_ALTERNATIVES:
                raise _TooMany
        return seqs

    def _element(
        self, el: XNode, depth: int
    ) -> list[tuple[tuple[str, ...], list[tuple[str, int]]]]:
        if el.tag == "tag":
            return [((), [(el.text(), el.line)])]
        if el.tag == "token":
            return [((el.text(),) if not self.dtmf else _split(el.text(), True), [])]
        if el.tag == "one-of":
            out = []
            for item in el.elements("item"):
                out.extend(self._item(item, depth))
            return out
        if el.tag == "item":
            return self._item(el, depth)
        if el.tag == "ruleref":
            return self._ruleref(el, depth)
        if el.tag in ("example", "meta", "metadata", "lexicon"):
            return [((), [])]
        self.heard.warnings.append((el.line, f"grammar element <{el.tag}> not read"))
        return [((), [])]

    def _ruleref(
        self, el: XNode, depth: int
    ) -> list[tuple[tuple[str, ...], list[tuple[str, int]]]]:
        special = el.get("special")
        if special == "NULL":
            return [((), [])]
        if special == "VOID":
            return []
        if special == "GARBAGE":  # ivr hears a phrase anywhere in what is said anyway
            return [((), [])]
        uri = el.get("uri", "")
        if special == "GARBAGE" or not uri.startswith("#") or uri[1:] not in self.rules:
            self.heard.warnings.append(
                (el.line, f"ruleref {special or uri!r}: not read; it matches nothing here")
            )
            return [((), [])] if special == "GARBAGE" else []
        return self.expand(self.rules[uri[1:]], depth + 1)

    def _repeat(self, el: XNode) -> tuple[int, int | None]:
        text = el.get("repeat")
        if not text:
            return 1, 1
        match = re.fullmatch(r"\s*(\d+)\s*(?:(-)\s*(\d+)?)?\s*", text)
        if match is None:
            self.heard.warnings.append((el.line, f"repeat={text!r} not understood; taken as 1"))
            return 1, 1
        low = int(match.group(1))
        if match.group(2) is None:
            return low, low
        return low, int(match.group(3)) if match.group(3) else None

    def _item(self, el: XNode, depth: int) -> list[tuple[tuple[str, ...], list[tuple[str, int]]]]:
        body = self.expand(el, depth + 1)
        low, high = self._repeat(el)
        if high is None:
            raise _TooMany
        out: list[tuple[tuple[str, ...], list[tuple[str, int]]]] = []
        layer: list[tuple[tuple[str, ...], list[tuple[str, int]]]] = [((), [])]
        for count in range(high + 1):
            if count >= low:
                out.extend(layer)
            if count < high:
                layer = [(a + b, ta + tb) for a, ta in layer for b, tb in body]
            if len(out) + len(layer) > MAX_ALTERNATIVES:
                raise _TooMany
        return out

    def regex(self, node: XNode, depth: int) -> str:
        """``node``'s DTMF sentences as a regular expression (tags dropped)."""
        if depth > 40:
            return ""
        parts: list[str] = []
        for child in node.children:
            if isinstance(child, str):
                parts.append("".join(re.escape(c) for c in _split(child, True)))
                continue
            if child.tag == "one-of":
                alts = [
                    "(?:" + self.regex(i, depth + 1) + ")" + self._quant(i)
                    for i in child.elements("item")
                ]
                parts.append("(?:" + "|".join(alts) + ")")
            elif child.tag == "item":
                parts.append("(?:" + self.regex(child, depth + 1) + ")" + self._quant(child))
            elif child.tag == "token":
                parts.append("".join(re.escape(c) for c in _split(child.text(), True)))
            elif child.tag == "ruleref":
                uri = child.get("uri", "")
                if uri.startswith("#") and uri[1:] in self.rules:
                    parts.append("(?:" + self.regex(self.rules[uri[1:]], depth + 1) + ")")
        return "".join(parts)

    def lengths(self, node: XNode, depth: int) -> tuple[int, int | None]:
        """The fewest and most keys a sentence of ``node`` has (None: no limit)."""
        if depth > 40:
            return 0, None
        low, high = 0, 0
        unbounded = False
        for child in node.children:
            if isinstance(child, str):
                n = len(_split(child, True))
                low, high = low + n, high + n
                continue
            a, b = self._child_lengths(child, depth)
            low += a
            if b is None:
                unbounded = True
            else:
                high += b
        return low, None if unbounded else high

    def _child_lengths(self, el: XNode, depth: int) -> tuple[int, int | None]:
        if el.tag == "token":
            n = len(_split(el.text(), True))
            return n, n
        if el.tag == "one-of":
            spans = [self._child_lengths(i, depth + 1) for i in el.elements("item")]
            if not spans:
                return 0, 0
            highs = [b for _, b in spans]
            return min(a for a, _ in spans), None if None in highs else max(b or 0 for b in highs)
        if el.tag == "item":
            a, b = self.lengths(el, depth + 1)
            low, high = self._repeat(el)
            top = None if b is None or high is None else b * high
            return a * low, top
        if el.tag == "ruleref":
            uri = el.get("uri", "")
            if uri.startswith("#") and uri[1:] in self.rules:
                return self.lengths(self.rules[uri[1:]], depth + 1)
        return 0, 0

    def _quant(self, el: XNode) -> str:
        low, high = self._repeat(el)
        if (low, high) == (1, 1):
            return ""
        return f"{{{low},{'' if high is None else high}}}"
