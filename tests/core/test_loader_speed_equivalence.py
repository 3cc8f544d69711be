"""The event-built fast YAML path gives exactly what the strict compose-and-construct path gives.

``load_yaml`` builds YMap/YSeq straight from parser events and hands anything
unusual to the strict path; these tests pin that both agree on values, types,
sharing, every location, and every refusal message.
"""

from __future__ import annotations

import gc
import importlib.util
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from ivr import yamlsrc
from ivr.errors import IvrError, Location, MenuError
from ivr.loader import load_menu, load_menu_text
from ivr.yamlsrc import YMap, YSeq, load_yaml
from tests.core.menus import TINY

ROOT = Path(__file__).resolve().parents[2]


def _bench_generator() -> Callable[[int], str]:
    """The benchmark's own menu generator, so the tested menu is the measured one."""
    spec = importlib.util.spec_from_file_location("menugen", ROOT / "bench" / "menugen.py")
    if spec is None or spec.loader is None:
        raise RuntimeError("bench/menugen.py is missing")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    generate: Callable[[int], str] = module.generated_menu_yaml
    return generate


generated_menu_yaml = _bench_generator()


def menus() -> list[tuple[str, str]]:
    return [
        ("norway.yaml", (ROOT / "menus" / "norway.yaml").read_text(encoding="utf-8")),
        ("tiny.yaml", TINY),
        ("generated.yaml", generated_menu_yaml(150)),
    ]


def snapshot(value: Any) -> Any:
    """Everything observable: types, values, order and every location."""
    if isinstance(value, YMap):
        return (
            "map",
            value.where,
            [
                (type(k).__name__, k, value.key_where[k], value.value_where[k], snapshot(v))
                for k, v in value.items()
            ],
            list(value.key_where) == list(value.value_where) == list(value),
        )
    if isinstance(value, YSeq):
        return ("seq", value.where, list(zip(value.item_where, map(snapshot, value), strict=True)))
    return (type(value).__name__, repr(value))


def strict(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlsrc, "_load_fast", lambda name, text: yamlsrc._FALLBACK)


def strict_result(name: str, text: str) -> Any:
    with pytest.MonkeyPatch.context() as patch:
        strict(patch)
        return load_yaml(name, text=text)


def strict_error(name: str, text: str) -> str:
    with pytest.MonkeyPatch.context() as patch:
        strict(patch)
        with pytest.raises(MenuError) as caught:
            load_yaml(name, text=text)
    return str(caught.value)


@pytest.mark.parametrize(("name", "text"), menus(), ids=[n for n, _ in menus()])
def test_menus_take_the_fast_path_and_match_safe_load_and_the_strict_path(
    name: str, text: str
) -> None:
    fast = yamlsrc._load_fast(name, text)
    assert fast is not yamlsrc._FALLBACK, "a plain menu should not need the strict path"
    assert fast == yaml.safe_load(text)
    assert snapshot(fast) == snapshot(strict_result(name, text))


@pytest.mark.parametrize(("name", "text"), menus(), ids=[n for n, _ in menus()])
def test_every_key_location_points_at_that_key_in_the_source(name: str, text: str) -> None:
    lines = text.splitlines()
    checked = 0
    stack: list[Any] = [load_yaml(name, text=text)]
    while stack:
        value = stack.pop()
        if isinstance(value, YMap):
            assert value.where.file == name
            for key, item in value.items():
                where = value.key_where[key]
                if isinstance(key, str) and key.isidentifier():
                    assert lines[where.line - 1][where.col - 1 :].startswith(key), (key, where)
                    checked += 1
                if isinstance(item, str) and item.isidentifier():
                    vwhere = value.value_where[key]
                    assert lines[vwhere.line - 1][vwhere.col - 1 :].startswith(item)
                stack.append(item)
        elif isinstance(value, YSeq):
            assert len(value.item_where) == len(value)
            stack.extend(value)
    assert checked > 10


def test_generated_menu_sample_locations_are_exact() -> None:
    data = load_yaml("g.yaml", text=generated_menu_yaml(20))
    assert data.where == Location("g.yaml", 1, 1)
    assert data.key_where["nodes"] == Location("g.yaml", 5, 1)
    n1 = data["nodes"]["n1"]
    assert n1.where == Location("g.yaml", 18, 5)  # the line after "  n1:"
    options = n1["options"]
    # line 21:       - {key: 2, words: [topic 10, item 10], goto: n10}
    assert options.where == Location("g.yaml", 20, 7)
    assert options.item_where[1] == Location("g.yaml", 21, 9)
    assert options[1].key_where["goto"] == Location("g.yaml", 21, 46)
    assert options[1].value_where["goto"] == Location("g.yaml", 21, 52)
    assert options[1]["words"].item_where[0] == Location("g.yaml", 21, 26)


def test_anchors_aliases_and_tags_are_shared_and_located_like_the_strict_path() -> None:
    text = (
        "base: &b {x: 1, y: [a, 'quoted', !!str 12, ! 13, 8:30, 2024-01-02, ~, .inf]}\n"
        "copy: *b\n"
        "list: &l [*b, &s scalar]\n"
        "again: [*l, *s]\n"
        "flags: {on: yes, off: No, '1': one, 2: int}\n"
    )
    fast = yamlsrc._load_fast("a.yaml", text)
    assert fast is not yamlsrc._FALLBACK
    assert fast["copy"] is fast["base"] and fast["again"][0] is fast["list"]
    assert fast.value_where["copy"] == fast.value_where["base"]  # where the anchor is
    assert fast["base"]["y"][2:4] == ["12", 13]
    assert snapshot(fast) == snapshot(strict_result("a.yaml", text))


def test_both_paths_read_only_true_and_false_as_booleans() -> None:
    text = "a: [yes, no, on, off, true, False]\nyes: y\n"
    fast = yamlsrc._load_fast("b.yaml", text)
    assert fast == {"a": ["yes", "no", "on", "off", True, False], "yes": "y"}
    assert snapshot(fast) == snapshot(strict_result("b.yaml", text))


HOSTILE = {
    "duplicate": "a: 1\nb: 2\na: 3\n",
    "bool-int-duplicate": "1: a\ntrue: b\n",
    "merge": "base: &b {x: 1}\nother:\n  <<: *b\n",
    "merge-value": "a: <<\n",
    "python-tag": "a: !!python/object/apply:os.system [echo hi]\n",
    "value-tag": "a: =\n",
    "undefined-alias": "a: *nope\n",
    "duplicate-anchor": "a: &x 1\nb: &x 2\n",
    "unhashable-key": "? [a]\n: 1\n",
    "alias-map-key": "a: &m {x: 1}\n? *m\n: 2\n",
    "two-documents": "--- a\n--- b\n",
    "no-content": "# only a comment\n",
    "syntax": "menu: [unclosed\n",
    "deep": "[" * 100 + "]" * 100 + "\n",
    "deep-through-alias": "a: &x "
    + "[" * 40
    + "1"
    + "]" * 40
    + "\nb: "
    + "[" * 30
    + "*x"
    + "]" * 30,
    "bomb": "\n".join(
        ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    ),
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=list(HOSTILE))
def test_refused_documents_get_the_strict_paths_exact_message(text: str) -> None:
    assert yamlsrc._load_fast("h.yaml", text) is yamlsrc._FALLBACK
    expected = strict_error("h.yaml", text)
    with pytest.raises(MenuError) as caught:
        load_yaml("h.yaml", text=text)
    assert str(caught.value) == expected


def test_unusual_tags_the_strict_path_accepts_are_left_to_it() -> None:
    text = "a: !!set {x, y}\nb: !!binary aGk=\n"
    assert yamlsrc._load_fast("t.yaml", text) is yamlsrc._FALLBACK
    assert yamlsrc._load_fast("t.yaml", "a: !!map foo\n") is yamlsrc._FALLBACK
    assert load_yaml("t.yaml", text=text) == {"a": {"x", "y"}, "b": b"hi"}


def test_depth_limit_is_exact_at_the_boundary() -> None:
    for depth in (63, 64, 65):
        text = "[" * depth + "x" + "]" * depth + "\n"
        try:
            got: Any = snapshot(load_yaml("d.yaml", text=text))
        except MenuError as exc:
            got = str(exc)
        try:
            want: Any = snapshot(strict_result("d.yaml", text))
        except MenuError as exc:
            want = str(exc)
        assert got == want
    assert isinstance(load_yaml("d.yaml", text="[" * 63 + "x" + "]" * 63), YSeq)


def test_pure_python_parser_gives_the_same_result_without_libyaml(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = generated_menu_yaml(40) + "extra: &e [1, 'two', 8:30]\nshared: *e\n"
    with_libyaml = snapshot(load_yaml("p.yaml", text=text))
    monkeypatch.setattr(yamlsrc, "_BaseLoader", yaml.SafeLoader)
    assert yamlsrc._load_fast("p.yaml", text) is not yamlsrc._FALLBACK
    assert snapshot(load_yaml("p.yaml", text=text)) == with_libyaml
    with pytest.raises(MenuError) as caught:
        load_yaml("p.yaml", text="a: 1\na: 2\n")
    assert str(caught.value).startswith("p.yaml:2:1: duplicate key 'a'")


@pytest.mark.parametrize(("name", "text"), menus(), ids=[n for n, _ in menus()])
def test_loaded_menu_equals_the_menu_from_the_strict_path(
    name: str, text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = load_menu_text(text, name)
    strict(monkeypatch)
    assert fast == load_menu_text(text, name)


def test_garbage_collector_is_left_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(TINY)
    assert gc.isenabled()
    load_menu(path)
    assert gc.isenabled()
    with pytest.raises(IvrError):
        load_menu_text("menu: m\nmenu: n\n", "bad.yaml")
    assert gc.isenabled()
    gc.disable()
    try:
        load_menu(path)
        assert not gc.isenabled()
    finally:
        gc.enable()
