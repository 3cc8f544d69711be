"""The JSON Schema editors use and the loader must agree on the format."""

from __future__ import annotations

import json
import textwrap
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from ivr import loader
from ivr.errors import MenuError, MenuErrors
from ivr.loader import load_menu_text
from tests.core.menus import TINY

jsonschema = pytest.importorskip("jsonschema")


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    text = resources.files("ivr").joinpath("schema/menu.schema.json").read_text()
    data: dict[str, Any] = json.loads(text)
    jsonschema.Draft202012Validator.check_schema(data)
    return data


@pytest.mark.parametrize(
    ("where", "keys"),
    [
        (("properties",), loader.MENU_KEYS),
        (("$defs", "node", "properties"), loader.NODE_KEYS),
        (("$defs", "option", "properties"), loader.OPTION_KEYS),
        (("$defs", "settings", "properties"), loader.SETTINGS_KEYS),
        (("$defs", "command", "properties"), loader.COMMAND_KEYS),
        (("$defs", "rule", "properties"), loader.BRANCH_RULE_KEYS),
        (("$defs", "when", "properties"), loader.WHEN_KEYS),
        (("$defs", "collect", "properties"), loader.COLLECT_KEYS),
        (("properties", "messages", "properties"), loader.MESSAGE_KEYS),
        (("properties", "limits", "properties"), loader.LIMITS_KEYS),
    ],
)
def test_schema_and_loader_allow_the_same_keys(
    schema: dict[str, Any], where: tuple[str, ...], keys: tuple[str, ...]
) -> None:
    node: Any = schema
    for part in where:
        node = node[part]
    assert set(node) == set(keys)


def test_service_keys_match(schema: dict[str, Any]) -> None:
    service = schema["properties"]["services"]["additionalProperties"]["properties"]
    assert set(service) == set(loader.SERVICE_KEYS)


def test_shipped_menus_are_valid_for_both(schema: dict[str, Any], norway_path: Path) -> None:
    validator = jsonschema.Draft202012Validator(schema)
    for text in (norway_path.read_text(), TINY):
        data = yaml.safe_load(text)
        assert [e.message for e in validator.iter_errors(data)] == []
        menu = load_menu_text(text)
        assert (menu.start, set(menu.nodes), set(menu.services)) == (
            data["start"], set(data["nodes"]), set(data["services"]),
        )  # fmt: skip


BAD_MENUS = {
    "unknown top-level key": TINY + "colour: red\n",
    "missing start": TINY.replace("start: main\n", ""),
    "unquoted number": TINY.replace('number: "110"', "number: 110"),
    "bad key": TINY.replace("- key: 3\n", "- key: 12\n"),
    "unknown node key": TINY.replace("    short_prompt:", "    shrot_prompt:"),
    "two actions": TINY.replace(
        "        route: info_line\n", "        route: info_line\n        do: hangup\n"
    ),
    "bad search": TINY.replace("{search: tree}", "{search: everywhere}"),
}


@pytest.mark.parametrize("name", sorted(BAD_MENUS))
def test_bad_menus_are_rejected_by_both(schema: dict[str, Any], name: str) -> None:
    text = textwrap.dedent(BAD_MENUS[name])
    assert text != TINY
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(yaml.safe_load(text), schema)
    with pytest.raises((MenuErrors, MenuError)):
        load_menu_text(text)


def test_schema_and_loader_allow_the_same_engines(schema: dict[str, Any]) -> None:
    assert schema["properties"]["engine"]["enum"] == list(loader.ENGINES)
