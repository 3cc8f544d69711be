"""Exported VoiceXML validates against the W3C VoiceXML 2.1 schema and reads back as
the same menu: the same keypad paths to every number, the same words for each option."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from ivr.events import KeyPress, Speech
from ivr.loader import load_menu, load_menu_text
from ivr.model import Menu
from ivr.paths import route_paths
from ivr.pbx.common import SoundList
from ivr.pbx.voicexml import Exported, export_menu, import_text
from ivr.session import Session

from .helpers import SCHEMA, menu, said

ROOT = Path(__file__).resolve().parents[3]
NORWAY = ROOT / "menus" / "norway.yaml"
#: The constructs PBX menus compile to, in one small menu.
PBX_MENU = """\
menu: pbx
start: main
messages: {connecting: ""}
variables: {tries: "0"}
services:
  features: {name: features, target: "transfer ${1} XML features"}
  sales: {name: Sales, target: "sip:sales@example.com"}
  queue: {name: Queue, target: "Queue(sales)"}
nodes:
  main:
    prompt: Dial an extension.
    settings: {max_no_input: 0, max_no_match: 0}
    on_no_input:
      - {count: 1, say: "I did not hear you.", reprompt: true}
      - {count: 3, say: "Still nothing.", do: hangup}
    collect:
      max_digits: 4
      into: choice
      entries:
        "1": {goto: sub, say: "Sales.", set: {tries: "${tries}+1"}}
        "2": {route: queue}
      patterns:
        - {match: "/^(10[01][0-9])$/", route: features}
  sub:
    prompt: Sales submenu.
    settings: {max_no_match: 2, on_max_failures: {do: exit}}
    options:
      - {key: 1, route: sales}
      - {key: 2, goto: test}
  test:
    branch:
      - when: {var: choice, op: ">=", value: "5"}
        route: sales
      - otherwise: true
        goto: main
"""


class _LocalXmlSchema(etree.Resolver):
    """The schemas import the XML namespace schema from w3.org; use the copy here."""

    def resolve(self, url: str, pubid: str, context: object) -> object:
        if url.endswith("/xml.xsd"):
            return self.resolve_filename(str(SCHEMA / "xml.xsd"), context)
        return None


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    parser.resolvers.add(_LocalXmlSchema())
    return etree.XMLSchema(etree.parse(str(SCHEMA / "vxml.xsd"), parser))


def document(exported: Exported) -> str:
    assert set(exported.files) == {"menu.vxml"}
    return exported.files["menu.vxml"]


def valid(schema: etree.XMLSchema, text: str) -> list[str]:
    """The schema's complaints about ``text`` (none when it is valid)."""
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    tree = etree.fromstring(text.encode("utf-8"), parser)
    schema.validate(tree)
    return [f"{e.line}: {e.message}" for e in schema.error_log]


def pairs(m: Menu) -> set[tuple[str, str]]:
    """Every keypad path as (keys, the number it reaches)."""
    return {(p.keys, m.services[p.service].number) for p in route_paths(m)}


def reimported(exported: Exported, lang: str = "en") -> Menu:
    result = import_text(document(exported), "out/menu.vxml")
    return load_menu_text(result.yaml_text, "out/menu.vxml")


@pytest.mark.parametrize("lang", ["en", "nb"])
def test_the_norway_export_validates_against_the_w3c_voicexml_21_schema(
    schema: etree.XMLSchema, lang: str
) -> None:
    text = document(export_menu(load_menu(NORWAY), SoundList(), lang))
    assert valid(schema, text) == []


def test_the_schema_check_rejects_what_voicexml_does_not_allow(schema: etree.XMLSchema) -> None:
    text = document(export_menu(load_menu(NORWAY), SoundList()))
    broken = text.replace("<choice ", "<chioce ", 1).replace("</choice>", "</chioce>", 1)
    assert valid(schema, broken) != []


def test_the_norway_export_reads_back_with_the_same_keypad_paths() -> None:
    original = load_menu(NORWAY)
    again = reimported(export_menu(original, SoundList()))
    assert pairs(again) == pairs(original)
    assert ("01", "112") in pairs(again)  # the operator, confirmed
    assert {("110", "110"), ("112", "112"), ("113", "113")} <= pairs(again)  # speed dial


def test_the_round_trip_keeps_every_options_words() -> None:
    original = load_menu(NORWAY)
    again = reimported(export_menu(original, SoundList()))
    for node in original.nodes.values():
        for option in node.options:
            twin = next(o for o in again.nodes[node.id].options if o.key == option.key
                        and o.label.get("en") == option.label.get("en"))  # fmt: skip
            assert set(twin.phrases.get("en")) >= set(option.phrases.get("en")), option.id


def test_the_global_commands_come_back_as_commands() -> None:
    again = reimported(export_menu(load_menu(NORWAY), SoundList()))
    assert {c.name: c.key for c in again.commands} == {
        "repeat": "#",
        "back": "*",
        "main_menu": "9",
        "help": None,
        "operator": "0",
    }
    assert again.shortcuts == ("fire", "police", "ambulance")


def test_every_prompt_is_a_sound_from_the_sink_with_its_text_as_the_fallback() -> None:
    sounds = SoundList()
    text = document(export_menu(load_menu(NORWAY), sounds))
    audio = re.findall(r'<audio src="sounds/([^"]+)\.wav">([^<]*)</audio>', text)
    named = {name: words for (words, _), name in sounds.sounds.items()}
    assert audio and len(audio) == text.count("<audio ")
    for name, fallback in audio:
        assert named[name] == fallback.replace("&amp;", "&").replace("&quot;", '"')


def test_services_transfer_to_tel_uris_of_their_numbers() -> None:
    text = document(export_menu(load_menu(NORWAY), SoundList()))
    assert '<transfer name="legevakt" dest="tel:+116117" />' in text
    assert '<link dtmf="113" next="#to_ambulance" />' in text


def test_the_notes_name_what_voicexml_cannot_say() -> None:
    notes = export_menu(load_menu(NORWAY), SoundList()).notes
    assert "Only the en texts are exported; nb would need a document each." in notes
    assert any(n.startswith("Time-of-day branches run the ivr_within script") for n in notes)
    assert any("confirm_below" in n for n in notes)


def test_an_imported_fixture_exports_valid_voicexml_with_the_same_paths(
    schema: etree.XMLSchema,
) -> None:
    first = menu("acme.vxml")
    exported = export_menu(first, SoundList())
    assert valid(schema, document(exported)) == []
    assert pairs(reimported(exported)) == pairs(first)


def test_the_pbx_constructs_export_as_valid_voicexml(schema: etree.XMLSchema) -> None:
    exported = export_menu(load_menu_text(PBX_MENU, "pbx.yaml"), SoundList())
    text = document(exported)
    assert valid(schema, text) == []
    assert "destexpr=\"'transfer ' + capture1 + ' XML features'\"" in text
    assert '<assign name="tries" expr="Number(tries) + 1" />' in text
    assert '<if cond="choice &gt;= 5">' in text
    assert '<noinput count="3">' in text  # a handler by count, as the menu wrote it
    assert any("regular expressions" in n for n in exported.notes)
    assert any("Queue(sales)" in n for n in exported.notes)


def test_the_library_never_imports_lxml() -> None:
    package = ROOT / "ivr" / "pbx" / "voicexml"
    assert not [p.name for p in package.glob("*.py") if "lxml" in p.read_text(encoding="utf-8")]


def test_ivrs_own_escalation_reads_back_with_its_two_apologies() -> None:
    again = reimported(export_menu(load_menu(NORWAY), SoundList()))
    session = Session(again)
    session.start()
    by_key = said(session.send(KeyPress("8")) + session.settle())
    assert by_key[0] == "Sorry, that key is not an option here."
    spoken = said(session.send(Speech("purple elephants", 1.0)))
    assert spoken[0] == "Sorry, I didn't get that."
    assert again.nodes["main"].settings.max_no_match == 3
    assert again.nodes["main"].on_no_match == ()
