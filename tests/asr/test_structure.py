"""The shape of ivr/asr: engines never import one another, and no module imports
itself back through others. Read from the source (ast), so an import inside a
function counts as much as one at the top."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "ivr" / "asr"
#: Each engine module with the helper modules that are that engine's own.
ENGINES: dict[str, frozenset[str]] = {
    "pocketsphinx_engine": frozenset(
        {"pocketsphinx_decoders", "digits_model", "mllr", "narrowband"}
    ),
    "vosk_engine": frozenset({"fst_symbols"}),
    "moonshine_engine": frozenset(
        {"moonshine_decoder", "moonshine_model", "moonshine_transcriber"}
    ),
}
#: Modules that compose recognisers out of others: built from the protocol, not the engines.
COMPOSERS = ("digits_fusion", "free_speech")


def _modules() -> dict[str, Path]:
    return {p.stem: p for p in PACKAGE.glob("*.py") if p.stem != "__init__"}


def imports_of(path: Path) -> set[str]:
    """The ivr.asr modules ``path`` imports, anywhere in it (by module name)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module is not None:
            if node.level:
                raise AssertionError(f"{path.name}: relative import of {node.module}")
            if node.module == "ivr.asr":  # from ivr.asr import narrowband
                names = [f"ivr.asr.{alias.name}" for alias in node.names]
            else:
                names = [node.module]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[:2] == ["ivr", "asr"] and len(parts) > 2:
                found.add(parts[2])
            elif parts[:2] == ["ivr", "asr"]:
                found.add("__init__")
    return found


def graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: imports_of(path) & set(modules) for name, path in modules.items()}


def reachable(start: str, edges: dict[str, set[str]]) -> set[str]:
    seen: set[str] = set()
    todo = list(edges.get(start, ()))
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(edges.get(name, ()))
    return seen


def cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a path (first module repeated at the end), or ``None``."""
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(name: str) -> list[str] | None:
        state[name] = 1
        path.append(name)
        for other in sorted(edges.get(name, ())):
            if state.get(other) == 1:
                return [*path[path.index(other) :], other]
            if other not in state:
                found = visit(other)
                if found:
                    return found
        path.pop()
        state[name] = 2
        return None

    for name in sorted(edges):
        if name not in state:
            found = visit(name)
            if found:
                return found
    return None


def test_every_engine_module_is_there() -> None:
    assert set(ENGINES) | set(COMPOSERS) <= set(_modules())


def test_every_module_named_after_an_engine_is_listed_as_that_engines_own() -> None:
    # a new moonshine_*.py left out of ENGINES would escape the tests below
    for engine, helpers in ENGINES.items():
        prefix = engine.removesuffix("_engine") + "_"
        named = {m for m in _modules() if m.startswith(prefix)}
        assert named <= {engine} | helpers, sorted(named - {engine} - helpers)


@pytest.mark.parametrize(
    ("engine", "module"),
    sorted((engine, m) for engine, helpers in ENGINES.items() for m in {engine} | helpers),
)
def test_no_engine_imports_another_engine_even_through_helpers(engine: str, module: str) -> None:
    """From the engine module and from each of its own helpers (a helper such as the
    Moonshine transcriber is imported from outside, not only through its engine)."""
    edges = graph()
    others = set()
    for other, helpers in ENGINES.items():
        if other != engine:
            others |= {other} | helpers
    reached = reachable(module, edges) | {module}
    assert not reached & others, f"{module} ({engine}) reaches {sorted(reached & others)}"


@pytest.mark.parametrize("composer", COMPOSERS)
def test_composing_modules_import_no_engine(composer: str) -> None:
    edges = graph()
    engine_modules = set(ENGINES) | {h for helpers in ENGINES.values() for h in helpers}
    reached = reachable(composer, edges)
    assert not reached & engine_modules, f"{composer} reaches {sorted(reached & engine_modules)}"


def test_no_module_of_ivr_asr_imports_the_registry_or_facade_but_the_facades() -> None:
    edges = graph()
    front = {"registry", "recognizer", "__init__", "listen"}
    importers = {name for name, deps in edges.items() if deps & front} - front
    assert importers == set(), importers


def test_there_is_no_import_cycle_in_ivr_asr() -> None:
    assert cycle(graph()) is None, cycle(graph())


def test_the_cycle_finder_finds_a_cycle_and_the_edge_reader_sees_nested_imports(
    tmp_path: Path,
) -> None:
    assert cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert cycle({"a": {"b"}, "b": set()}) is None
    module = tmp_path / "m.py"
    module.write_text(
        "import ivr.asr.base\n"
        "from ivr.asr import narrowband as band\n"
        "def f():\n    from ivr.asr.vosk_engine import VoskRecognizer\n",
        encoding="utf-8",
    )
    assert imports_of(module) == {"base", "narrowband", "vosk_engine"}
