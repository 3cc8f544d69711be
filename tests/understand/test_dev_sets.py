"""The dev split of plain-language needs (bench/needs/*-dev.yaml), by text.

Regression guards for the understanding: never a wrong route without asking,
and most needs routed right. Only the dev split is used here; the held-out
split is for the benchmark alone (README: "Understanding").
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ivr.loader import load_menu
from ivr.menuindex import MenuIndex
from ivr.model import Menu
from ivr.nlu import embedding
from ivr.nlu.rankers import open_rankers
from ivr.scripted.needs import Verdict, evaluate_need, load_needs

ROOT = Path(__file__).resolve().parents[2]
SETS = ("en-dev", "nb-dev")


@pytest.fixture(scope="module")
def menu() -> Menu:
    return load_menu(ROOT / "menus" / "norway.yaml")


def verdicts(menu: Menu, index: MenuIndex, name: str) -> dict[Verdict, list[str]]:
    needs = load_needs(ROOT / "bench" / "needs" / f"{name}.yaml", menu)
    out: dict[Verdict, list[str]] = {v: [] for v in Verdict}
    for need in needs.needs:
        result = evaluate_need(menu, need, lang=needs.lang, index=index)
        out[result.verdict].append(need.text)
    return out


@pytest.mark.parametrize("name", SETS)
def test_stems_alone_never_route_a_dev_need_wrongly(menu: Menu, name: str) -> None:
    found = verdicts(menu, MenuIndex(menu), name)
    assert found[Verdict.WRONG] == []
    assert len(found[Verdict.RIGHT]) >= 20


@pytest.mark.skipif(not embedding.available(), reason="ivr[nlu] is not installed")
@pytest.mark.parametrize(("name", "at_least"), [("en-dev", 0.8), ("nb-dev", 0.7)])
def test_embeddings_route_most_dev_needs_right_and_none_wrongly(
    menu: Menu, name: str, at_least: float
) -> None:
    found = verdicts(menu, MenuIndex(menu, rankers=open_rankers(menu)), name)
    total = sum(len(v) for v in found.values())
    assert found[Verdict.WRONG] == []
    assert len(found[Verdict.RIGHT]) >= at_least * total
