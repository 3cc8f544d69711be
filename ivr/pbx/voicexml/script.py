"""The part of ECMAScript a phone menu's ``cond``, ``expr`` and ``destexpr`` use.

VoiceXML evaluates every ``cond`` and ``expr`` as ECMAScript (VoiceXML 2.0
section 5.1). The simulator has no script engine: it reads literals, variable
names, ``+`` joining strings (``'tel:' + num``), a variable plus or minus a
number, comparisons, ``!``, ``&&``, ``||`` and parentheses; anything else
raises ``Unsupported``, which the compiler turns into a ``FILE:LINE: warning``
saying what the simulator does instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: A value as the compiler knows it: text, a number, a boolean, or None (undefined).
Value = str | float | bool | None
#: Variables whose values are known while compiling (a field's value, per option).
Env = dict[str, Value]


class Unsupported(Exception):
    """An expression beyond the subset; the message names the part not understood."""


@dataclass(frozen=True)
class Lit:
    value: Value


@dataclass(frozen=True)
class Var:
    name: str


@dataclass(frozen=True)
class Binary:
    op: str  # + - == != < <= > >= && ||
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Not:
    operand: Expr


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple[Expr, ...]


Expr = Lit | Var | Binary | Not | Call

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<str>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
    | (?P<num>\d+(?:\.\d+)?)
    | (?P<name>[A-Za-z_$][A-Za-z0-9_$]*(?:\.[A-Za-z_$][A-Za-z0-9_$]*)*)
    | (?P<op>===|!==|==|!=|<=|>=|&&|\|\||[<>!+\-(),;])
    )""",
    re.VERBOSE,
)
#: Scope prefixes a variable may carry (VoiceXML 2.0 section 5.1.2).
_SCOPES = ("application.", "document.", "dialog.")
_KEYWORDS: dict[str, Value] = {"true": True, "false": False, "undefined": None, "null": None}
_UNESCAPE = re.compile(r"\\(.)")
_TO_NUMBER = ("Number", "parseInt", "parseFloat")
_COMPARE = ("==", "!=", "<", "<=", ">", ">=")


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    text = text.strip().rstrip(";").strip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            raise Unsupported(f"{text[pos : pos + 20]!r}")
        pos = match.end()
        kind = match.lastgroup or "op"
        out.append((kind, match.group(kind)))
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokens(text)
        self.pos = 0

    def peek(self) -> str | None:
        return self.tokens[self.pos][1] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        if self.pos >= len(self.tokens):
            raise Unsupported(f"{self.text!r} ends too soon")
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def expect(self, op: str) -> None:
        if self.take()[1] != op:
            raise Unsupported(f"expected {op!r} in {self.text!r}")

    def parse(self) -> Expr:
        expr = self.or_()
        if self.pos != len(self.tokens):
            raise Unsupported(f"{self.tokens[self.pos][1]!r} in {self.text!r}")
        return expr

    def or_(self) -> Expr:
        left = self.and_()
        while self.peek() == "||":
            self.take()
            left = Binary("||", left, self.and_())
        return left

    def and_(self) -> Expr:
        left = self.compare()
        while self.peek() == "&&":
            self.take()
            left = Binary("&&", left, self.compare())
        return left

    def compare(self) -> Expr:
        left = self.sum()
        op = self.peek()
        if op in ("==", "===", "!=", "!==", "<", "<=", ">", ">="):
            self.take()
            left = Binary(op.replace("===", "==").replace("!==", "!="), left, self.sum())
        return left

    def sum(self) -> Expr:
        left = self.unary()
        while self.peek() in ("+", "-"):
            op = self.take()[1]
            left = Binary(op, left, self.unary())
        return left

    def unary(self) -> Expr:
        if self.peek() == "!":
            self.take()
            return Not(self.unary())
        if self.peek() == "-":
            self.take()
            kind, text = self.take()
            if kind != "num":
                raise Unsupported(f"unary minus in {self.text!r}")
            return Lit(-float(text))
        return self.atom()

    def atom(self) -> Expr:
        kind, text = self.take()
        if kind == "str":
            return Lit(_UNESCAPE.sub(r"\1", text[1:-1]))
        if kind == "num":
            return Lit(float(text))
        if kind == "name":
            if text in _KEYWORDS:
                return Lit(_KEYWORDS[text])
            if self.peek() == "(":
                self.take()
                args: list[Expr] = []
                while self.peek() != ")":
                    args.append(self.or_())
                    if self.peek() == ",":
                        self.take()
                self.expect(")")
                return Call(text, tuple(args))
            return Var(variable(text))
        if text == "(":
            inner = self.or_()
            self.expect(")")
            return inner
        raise Unsupported(f"{text!r} in {self.text!r}")


def variable(name: str) -> str:
    """A VoiceXML variable as an ivr call variable: scope prefix dropped; ``$``
    (shadow variables such as ``field$.utterance``) and other dots are not simulated."""
    for scope in _SCOPES:
        if name.startswith(scope):
            name = name[len(scope) :]
            break
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise Unsupported(f"the variable {name!r}")
    return name


def parse(text: str) -> Expr:
    """``text`` as an expression of the subset; ``Unsupported`` otherwise."""
    if not text.strip():
        raise Unsupported("an empty expression")
    return _Parser(text).parse()


def number_text(value: float) -> str:
    return str(int(value)) if value == int(value) else repr(value)


def as_text(value: Value) -> str:
    """ECMAScript's ToString, for the values the subset has."""
    if value is None:
        return "undefined"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return number_text(value)
    return value


def _number(value: Value) -> float | None:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, float):
        return value
    if isinstance(value, str):
        try:
            return float(value.strip()) if value.strip() else 0.0
        except ValueError:
            return None
    return None


def truthy(value: Value) -> bool:
    if isinstance(value, str):
        return value != ""
    if isinstance(value, float):
        return value != 0
    return bool(value)


def compare(op: str, left: Value, right: Value) -> bool:
    """ECMAScript's loose comparison: numbers as numbers when either side is one."""
    if isinstance(left, str) and isinstance(right, str):
        a: Value = left
        b: Value = right
    else:
        a, b = _number(left), _number(right)
        if a is None or b is None:
            if op in ("==", "!="):
                same = left == right
                return same if op == "==" else not same
            return False
    if op == "==":
        return a == b
    if op == "!=":
        return a != b
    if isinstance(a, str) and isinstance(b, str):
        return _ordered(op, a < b, a == b)
    if isinstance(a, float) and isinstance(b, float):
        return _ordered(op, a < b, a == b)
    return False


def _ordered(op: str, less: bool, equal: bool) -> bool:
    return {"<": less, "<=": less or equal, ">": not (less or equal), ">=": not less}[op]


class _Unknown(Exception):
    """A variable whose value is only known when the call runs."""


def evaluate(expr: Expr, env: dict[str, Value]) -> Value:
    """The value of ``expr`` given the variables known now; ``None``-free raise of
    ``LookupError`` when it depends on one only known while the call runs."""
    try:
        return _eval(expr, env)
    except _Unknown:
        raise LookupError("depends on a call variable") from None


def _eval(expr: Expr, env: dict[str, Value]) -> Value:
    if isinstance(expr, Lit):
        return expr.value
    if isinstance(expr, Var):
        if expr.name not in env:
            raise _Unknown
        return env[expr.name]
    if isinstance(expr, Not):
        return not truthy(_eval(expr.operand, env))
    if isinstance(expr, Call):
        raise Unsupported(f"the function call {expr.name}(...)")
    if expr.op == "&&":
        left = _eval(expr.left, env)
        return _eval(expr.right, env) if truthy(left) else left
    if expr.op == "||":
        left = _eval(expr.left, env)
        return left if truthy(left) else _eval(expr.right, env)
    left, right = _eval(expr.left, env), _eval(expr.right, env)
    if expr.op == "+":
        if isinstance(left, str) or isinstance(right, str):
            return as_text(left) + as_text(right)
        a, b = _number(left), _number(right)
        return None if a is None or b is None else a + b
    if expr.op == "-":
        a, b = _number(left), _number(right)
        return None if a is None or b is None else a - b
    return compare(expr.op, left, right)


def template(expr: Expr) -> str:
    """``expr`` as ivr text with ``${var}`` for each variable: ``'tel:' + num`` ->
    ``tel:${num}``; ``tries + 1`` -> ``${tries}+1`` (which ivr computes as integers)."""
    if isinstance(expr, Lit):
        return as_text(expr.value) if expr.value is not None else ""
    if isinstance(expr, Var):
        return "${" + expr.name + "}"
    if isinstance(expr, Binary) and expr.op in ("+", "-"):
        left, right = expr.left, expr.right
        if isinstance(left, Call) and left.name in _TO_NUMBER and len(left.args) == 1:
            left = left.args[0]  # Number(tries) + 1: ivr computes A+N on integers anyway
        if isinstance(left, Var) and isinstance(right, Lit) and isinstance(right.value, float):
            return "${" + left.name + "}" + expr.op + number_text(right.value)
        if expr.op == "+" and (_is_text(left) or _is_text(right)):
            return template(left) + template(right)
        if isinstance(left, Lit) and isinstance(right, Lit):
            return as_text(_eval(expr, {}))
    raise Unsupported("an expression that is not a join of strings and variables")


def _is_text(expr: Expr) -> bool:
    """Whether ECMAScript's + on ``expr`` is a string join (a string literal is in it)."""
    if isinstance(expr, Lit):
        return isinstance(expr.value, str)
    if isinstance(expr, Binary) and expr.op == "+":
        return _is_text(expr.left) or _is_text(expr.right)
    return False


def variables(expr: Expr) -> set[str]:
    if isinstance(expr, Var):
        return {expr.name}
    if isinstance(expr, Binary):
        return variables(expr.left) | variables(expr.right)
    if isinstance(expr, Not):
        return variables(expr.operand)
    if isinstance(expr, Call):
        return set().union(*(variables(a) for a in expr.args)) if expr.args else set()
    return set()


COMPARISONS = _COMPARE


def calls(expr: Expr) -> set[str]:
    """The functions ``expr`` calls."""
    if isinstance(expr, Call):
        return {expr.name}.union(*(calls(a) for a in expr.args))
    if isinstance(expr, Binary):
        return calls(expr.left) | calls(expr.right)
    if isinstance(expr, Not):
        return calls(expr.operand)
    return set()
