"""``$[...]`` expressions as branch rules and counters, and GotoIfTime's time spec.

The simulator branches on call variables with one comparison per rule
(``when: {var, op, value}``, the first rule that holds wins), so a GotoIf
condition becomes a list of rules: a comparison of a variable with a constant,
its negation, ``&`` and ``|`` of such comparisons, and a variable tested for
truth (``pbx_checkcondition`` in main/pbx.c: empty or 0 is false). Comparisons
of two constants are decided at import. Operators and truth follow Asterisk's
expression language (main/ast_expr2.y): numbers compare as numbers, other text
as text; ``=`` and ``==`` are the same.

A counter ``$[${tries}+1]`` becomes ``${tries}+1``, which the simulator computes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ivr.pbx.asterisk.values import scan, var_ref

OPS = ("!=", "<=", ">=", "==", "=", "<", ">")
NEGATE = {"=": "!=", "!=": "=", "<": ">=", ">=": "<", ">": "<=", "<=": ">"}
FLIP = {"=": "=", "!=": "!=", "<": ">", ">": "<", "<=": ">=", ">=": "<="}
_TOKEN = re.compile(r'\s*(!=|<=|>=|==|=|<|>|&|\||!|\(|\)|"(?:[^"\\]|\\.)*"|[^\s!=<>&|()"]+)')


@dataclass(frozen=True)
class When:
    """One rule's test: ``${var} op value``."""

    var: str
    op: str
    value: str

    def negated(self) -> When:
        return When(self.var, NEGATE[self.op], self.value)

    def doc(self) -> dict[str, str]:
        return {"var": self.var, "op": self.op, "value": self.value}


#: A condition as rules: (test, outcome) in order; a None test is the otherwise rule.
Rules = list[tuple[When | None, bool]]


class Unsupported(ValueError):
    """A condition the simulator cannot branch on."""


class Malformed(Unsupported):
    """A condition Asterisk cannot read either (often a variable that is empty here:
    ``$[${x} = 1]`` with ``x`` unset is ``$[ = 1]``); Asterisk then takes it as false."""


def condition_rules(text: str) -> Rules:
    """The rules of a GotoIf condition (``$[...]``, or a plain value tested for truth)."""
    text = text.strip()
    segments = scan(text)
    if len(segments) == 1 and segments[0].kind == "expr":
        node = _Parser(segments[0].body).parse()
    else:
        node = Truth(_operand(text))
    return _rules(node)


@dataclass(frozen=True)
class Operand:
    var: bool  # a variable (``text`` is its name) or a constant
    text: str


@dataclass(frozen=True)
class Cmp:
    left: Operand
    op: str
    right: Operand


@dataclass(frozen=True)
class Truth:
    operand: Operand


@dataclass(frozen=True)
class Not:
    inner: Expr


@dataclass(frozen=True)
class Join:
    both: bool  # & (all must hold) or | (any)
    parts: tuple[Expr, ...]


Expr = Cmp | Truth | Not | Join


def _operand(text: str) -> Operand:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        text = text[1:-1]
    segments = scan(text)
    if not segments:
        return Operand(False, "")
    if len(segments) == 1 and segments[0].kind == "text":
        return Operand(False, segments[0].body)
    if len(segments) == 1 and segments[0].kind == "var":
        ref = var_ref(segments[0].body)
        if ref is not None and ref.whole:
            return Operand(True, ref.name)
    raise Unsupported(f"{text!r} is not a variable or a constant")


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens: list[str] = []
        pos = 0
        text = text.strip()
        while pos < len(text):
            found = _TOKEN.match(text, pos)
            if found is None:
                raise Malformed(f"cannot read {text[pos:]!r}")
            self.tokens.append(found.group(1))
            pos = found.end()
            while pos < len(text) and text[pos].isspace():
                pos += 1
        self.pos = 0

    def parse(self) -> Expr:
        node = self._or()
        if self.pos != len(self.tokens):
            raise Malformed(f"{' '.join(self.tokens[self.pos :])!r} is not understood")
        return node

    def _peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def _or(self) -> Expr:
        parts = [self._and()]
        while self._peek() == "|":
            self.pos += 1
            parts.append(self._and())
        return parts[0] if len(parts) == 1 else Join(False, tuple(parts))

    def _and(self) -> Expr:
        parts = [self._cmp()]
        while self._peek() == "&":
            self.pos += 1
            parts.append(self._cmp())
        return parts[0] if len(parts) == 1 else Join(True, tuple(parts))

    def _cmp(self) -> Expr:
        left = self._unary()
        op = self._peek()
        if op not in OPS:
            return Truth(left) if isinstance(left, Operand) else left
        self.pos += 1
        right = self._unary()
        if not isinstance(left, Operand) or not isinstance(right, Operand):
            raise Unsupported("a comparison of expressions")
        return Cmp(left, "=" if op == "==" else op, right)

    def _unary(self) -> Expr | Operand:
        token = self._peek()
        if token is None:
            raise Malformed("the expression ends early")
        self.pos += 1
        if token == "!":
            inner = self._unary()
            return Not(Truth(inner) if isinstance(inner, Operand) else inner)
        if token == "(":
            group = self._or()
            if self._peek() != ")":
                raise Malformed("a '(' is not closed")
            self.pos += 1
            return group
        if token in OPS or token in ("&", "|", ")"):
            raise Malformed(f"{token!r} where a value belongs")
        return _operand(token)


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def compare(left: str, op: str, right: str) -> bool:
    """Asterisk's comparison: as numbers when both are numbers, else as text."""
    a, b = _number(left), _number(right)
    if a is not None and b is not None:
        order = (a > b) - (a < b)
    else:
        order = (left > right) - (left < right)
    return {
        "=": order == 0,
        "!=": order != 0,
        "<": order < 0,
        ">": order > 0,
        "<=": order <= 0,
        ">=": order >= 0,
    }[op]


def truth(text: str) -> bool:
    """``pbx_checkcondition``: empty is false, a leading integer is its value, other text true."""
    text = text.strip()
    found = re.match(r"^[-+]?\d+", text)
    return bool(text) and (int(found.group()) != 0 if found else True)


def _const(node: Expr) -> bool | None:
    """The value of a condition without variables, else None."""
    if isinstance(node, Cmp):
        if not node.left.var and not node.right.var:
            return compare(node.left.text, node.op, node.right.text)
        return None
    if isinstance(node, Truth):
        return None if node.operand.var else truth(node.operand.text)
    if isinstance(node, Not):
        inner = _const(node.inner)
        return None if inner is None else not inner
    parts = [_const(p) for p in node.parts]
    if node.both and False in parts:
        return False
    if not node.both and True in parts:
        return True
    return parts[0] if parts and all(p is not None for p in parts) else None


def _forms(node: Expr) -> tuple[list[When] | None, list[When] | None]:
    """(tests any of which makes it true, tests any of which makes it false); a
    form is None when the condition cannot be written that way."""
    if isinstance(node, Cmp):
        if node.left.var and not node.right.var:
            when = When(node.left.text, node.op, node.right.text)
        elif node.right.var and not node.left.var:
            when = When(node.right.text, FLIP[node.op], node.left.text)
        else:
            raise Unsupported("a comparison of two variables")
        return [when], [when.negated()]
    if isinstance(node, Truth):
        name = node.operand.text
        return None, [When(name, "=", ""), When(name, "=", "0")]
    if isinstance(node, Not):
        true, false = _forms(node.inner)
        return false, true
    parts = [_forms(p) for p in node.parts]
    if node.both:
        falses = [f for _, f in parts]
        joined = None if any(f is None for f in falses) else [w for f in falses for w in f or []]
        return (parts[0][0] if len(parts) == 1 else None), joined
    trues = [t for t, _ in parts]
    joined = None if any(t is None for t in trues) else [w for t in trues for w in t or []]
    return joined, (parts[0][1] if len(parts) == 1 else None)


def _rules(node: Expr) -> Rules:
    const = _const(node)
    if const is not None:
        return [(None, const)]
    true, false = _forms(node)
    if true is not None:
        return [*((w, True) for w in true), (None, False)]
    if false is not None:
        return [*((w, False) for w in false), (None, True)]
    raise Unsupported("a mix of & and | the simulator's rules cannot hold")


_COUNTER = re.compile(r"^\s*\$\{([A-Za-z0-9_]+)\}\s*([-+])\s*(\d+)\s*$")
_COUNTER_LEFT = re.compile(r"^\s*(\d+)\s*\+\s*\$\{([A-Za-z0-9_]+)\}\s*$")
_ARITH = re.compile(r"^\s*(-?\d+)\s*([-+*/%])\s*(-?\d+)\s*$")


def set_value(text: str) -> tuple[str, bool]:
    """A Set value for the simulator: ``$[${x}+1]`` -> ``${x}+1``, constant arithmetic
    computed; (the text, whether the simulator computes it as Asterisk would)."""
    segments = scan(text.strip())
    if not any(s.kind == "expr" for s in segments):
        return text, True
    if len(segments) != 1:
        return text, False
    body = segments[0].body
    found = _COUNTER.match(body)
    if found:
        return f"${{{found.group(1)}}}{found.group(2)}{found.group(3)}", True
    found = _COUNTER_LEFT.match(body)
    if found:
        return f"${{{found.group(2)}}}+{found.group(1)}", True
    found = _ARITH.match(body)
    if found:
        a, op, b = int(found.group(1)), found.group(2), int(found.group(3))
        if op in "/%" and b == 0:
            return "0", True
        value = {"+": a + b, "-": a - b, "*": a * b, "/": int(a / b) if b else 0}.get(op)
        return str(value if value is not None else a % b), True
    stripped = body.strip()
    if _number(stripped) is not None or re.fullmatch(r"\$\{[A-Za-z0-9_]+\}", stripped):
        return stripped, True
    return text, False
