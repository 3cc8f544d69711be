"""``extensions.conf`` as Asterisk loads it: contexts of extensions of numbered steps.

Follows ``pbx_load_config`` in asterisk/asterisk ``pbx/pbx_config.c``:
``[general]`` holds settings (``autofallthrough``), every ``[globals]`` section
sets variables, every other category is a context. In a context,
``exten => NAME,PRIORITY,App(args)`` adds one step; ``same => PRIORITY,...``
continues the extension above; a priority is a number, ``n`` (the one before
plus one, counted across the context as Asterisk does), ``s`` (the same again),
``hint`` (presence only, not a step), or a label defined earlier in the
extension, and may carry ``(label)`` and ``+N``. The application is the text
before the first ``(`` and its data runs to the last ``)``. ``include =>``
makes another context's extensions match here after this context's own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ivr.errors import Location, MenuError
from ivr.pbx.asterisk.config import Config, Line
from ivr.pbx.asterisk.patterns import normalize, sort_key
from ivr.pbx.common import PbxWarning, pbx_error

#: Values ``ast_true`` reads as yes (main/utils.c).
TRUE_WORDS = frozenset({"yes", "true", "y", "t", "1", "on"})


@dataclass(frozen=True)
class Step:
    """One priority of an extension: the application it runs and where it is written."""

    priority: int
    label: str | None
    app: str
    data: str
    where: Location


@dataclass
class Extension:
    name: str  # as matched: "-" fluff removed; a pattern keeps its leading "_"
    where: Location
    steps: dict[int, Step] = field(default_factory=dict)

    @property
    def pattern(self) -> bool:
        return self.name.startswith("_")

    def label(self, name: str) -> int | None:
        return next((s.priority for s in self.steps.values() if s.label == name), None)


@dataclass
class Context:
    name: str
    where: Location
    extensions: dict[str, Extension] = field(default_factory=dict)
    includes: list[tuple[str, Location]] = field(default_factory=list)

    def ordered(self) -> list[Extension]:
        """Extensions in the order Asterisk tries them: exact names (in the file's
        order: at most one can match), then patterns from the most specific
        (``ext_cmp`` in main/pbx.c)."""
        return sorted(
            self.extensions.values(),
            key=lambda e: sort_key(e.name) if e.pattern else (0,),
        )


@dataclass
class Dialplan:
    file: str
    contexts: dict[str, Context] = field(default_factory=dict)
    globals: dict[str, str] = field(default_factory=dict)
    autofallthrough: bool = True
    warnings: list[PbxWarning] = field(default_factory=list)
    #: Lines Asterisk refuses to load (it logs and skips them); an import stops on them.
    errors: list[MenuError] = field(default_factory=list)


def build_dialplan(config: Config, file: str) -> Dialplan:
    """The contexts of a read configuration, with the lines Asterisk would refuse
    in ``errors``."""
    plan = Dialplan(file, warnings=list(config.warnings), errors=list(config.errors))
    for category in config.categories:
        lower = category.name.lower()
        if lower == "general":
            _general(plan, category.lines)
        elif lower == "globals":
            for line in category.lines:
                plan.globals[line.name] = _globals(plan, line.value)
    for category in config.categories:
        if category.template or category.name.lower() in ("general", "globals"):
            continue
        context = plan.contexts.setdefault(category.name, Context(category.name, category.where))
        _Lines(plan, context).read(category.lines)
    return plan


def _general(plan: Dialplan, lines: list[Line]) -> None:
    for line in lines:
        name = line.name.lower()
        if name == "autofallthrough":
            plan.autofallthrough = line.value.strip().lower() in TRUE_WORDS
        elif name == "extenpatternmatchnew" and line.value.strip().lower() in TRUE_WORDS:
            plan.warnings.append(
                PbxWarning(
                    line.where,
                    "extenpatternmatchnew: the simulator matches patterns in the classic "
                    "order (exact names, then the most specific pattern)",
                )
            )


def _globals(plan: Dialplan, value: str) -> str:
    """A global's value with earlier globals filled in, as Asterisk does at load."""
    for name, known in plan.globals.items():
        value = value.replace("${" + name + "}", known)
    return value


class _Lines:
    """The lines of one context, read in order (``n`` counts across extensions)."""

    def __init__(self, plan: Dialplan, context: Context) -> None:
        self.plan = plan
        self.context = context
        self.last_exten = ""
        self.last_priority = -2

    def read(self, lines: list[Line]) -> None:
        for line in lines:
            name = line.name.lower()
            if name == "same":
                if not self.last_exten:
                    self._error(line, "same => has no exten => above it in this context")
                    continue
                self._step(self.last_exten, line.value, line)
            elif name == "exten":
                exten, _, rest = _split_exten(line.value)
                exten = _globals(self.plan, exten.strip())
                self.last_exten = exten
                self._step(exten, rest, line)
            elif name == "include":
                self._include(line)
            elif name in ("ignorepat", "switch", "lswitch", "eswitch"):
                self._warn(line, f"{line.name} => {line.value}: not simulated; left out")
            elif name != "autohints":
                self._warn(line, f"{line.name}: unknown in a context; Asterisk ignores it")

    def _warn(self, line: Line, text: str) -> None:
        self.plan.warnings.append(PbxWarning(line.where, text))

    def _error(self, line: Line, message: str, hint: str | None = None) -> None:
        self.plan.errors.append(pbx_error(line.where, message, hint))

    def _include(self, line: Line) -> None:
        target, _, timing = _globals(self.plan, line.value).partition(",")
        if timing.strip():
            self._warn(
                line,
                f"include => {line.value}: the time condition is not simulated; "
                "the context is always included",
            )
        self.context.includes.append((target.strip(), line.where))

    def _step(self, exten: str, rest: str, line: Line) -> None:
        if "/" in exten:
            self._warn(
                line,
                f"extension {exten}: caller ID matching is not simulated (the simulated "
                "caller has no number); the extension is left out",
            )
            return
        priority_text, _, app_text = rest.partition(",")
        priority_text = priority_text.strip()
        label: str | None = None
        if "(" in priority_text:
            priority_text, _, label = priority_text.partition("(")
            if not label.endswith(")"):
                self._error(line, f"label {label!r} has no closing ')'", "write n(label)")
                return
            label = label[:-1]
        priority_text, _, plus = priority_text.partition("+")
        name = normalize(exten)
        if not name:
            self._error(line, "an extension with no name", "write exten => s,1,...")
            return
        extension = self.context.extensions.get(name)
        priority = self._priority(priority_text.strip(), extension, line)
        if priority is None:
            return
        if plus.strip():
            if not plus.strip().isdigit():
                self._error(line, f"priority offset +{plus} is not a number")
                return
            priority += int(plus)
        self.last_priority = priority
        if priority_text.strip() == "hint":
            return
        app, data = _application(app_text)
        if "(" in app_text and ")" not in app_text:
            self._warn(line, f"{app}({data}: no closing parenthesis; the data runs to the end")
        if extension is None:
            extension = self.context.extensions.setdefault(name, Extension(name, line.where))
        if priority in extension.steps:
            earlier = extension.steps[priority].where
            self._error(
                line,
                f"extension {exten} priority {priority} is already defined at line {earlier.line}",
                "number the priorities apart, or use n",
            )
            return
        if not app:
            self._error(line, f"extension {exten} priority {priority} runs no application")
            return
        extension.steps[priority] = Step(priority, label or None, app, data, line.where)

    def _priority(self, text: str, extension: Extension | None, line: Line) -> int | None:
        if text == "hint":
            return -1
        if text in ("n", "next", "s", "same"):
            if self.last_priority < -1:
                self._error(line, f"priority {text!r} on the first line of a context", "start at 1")
                return None
            return self.last_priority + (1 if text in ("n", "next") else 0)
        if text.lstrip("-").isdigit():
            if int(text) < 1:
                self._error(line, f"priority {text} is below 1", "priorities start at 1")
                return None
            return int(text)
        found = extension.label(text) if extension is not None else None
        if found is None:
            self._error(line, f"priority {text!r} is neither a number nor a label above it")
        return found


def _split_exten(value: str) -> tuple[str, str, str]:
    """The extension name and the rest, split at the first comma outside ``[...]``
    (``pbx_strsep`` in pbx/pbx_config.c, which also skips a ``\\``-escaped character)."""
    square = 0
    i = 0
    while i < len(value):
        char = value[i]
        if char == "[":
            square += 1
        elif char == "]":
            square = max(0, square - 1)
        elif char == "\\":
            i += 1
        elif char == "," and not square:
            return value[:i], ",", value[i + 1 :]
        i += 1
    return value, "", ""


def _application(text: str) -> tuple[str, str]:
    """``App(data)`` -> (App, data): the name up to the first ``(``, the data up to
    the last ``)``."""
    text = text.strip()
    if "(" not in text:
        return text, ""
    app, _, data = text.partition("(")
    if "${" in app or "$[" in app:  # a hint-like value, not an application call
        return text, ""
    close = data.rfind(")")
    return app.strip(), data[:close] if close >= 0 else data
