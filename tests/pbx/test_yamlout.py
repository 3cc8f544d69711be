"""The YAML ``ivr import`` writes: comments where asked, values read back unchanged."""

from __future__ import annotations

import yaml

from ivr.pbx.yamlout import Commented, dump


def test_every_value_reads_back_as_written_whatever_yaml_would_guess() -> None:
    doc = {
        "menu": "m",
        "yes": "no",
        "on": True,
        "n": 0,
        "digits": "0042",
        "empty": "",
        "odd": 'he said "#1": *star* & more',
        "list": ["1", 2, None, ["x"], {}],
        "nested": {"a": [{"b": "c", "d": [1]}]},
    }
    assert yaml.safe_load(dump(doc)) == doc


def test_comments_name_the_source_line_above_each_commented_mapping() -> None:
    doc = {
        "nodes": {
            "main": Commented({"prompt": "Hi", "options": [Commented({"key": "1"}, "f.xml:7")]},
                              "f.xml:3"),
        }
    }  # fmt: skip
    text = dump(doc, header="imported from f.xml")
    lines = text.splitlines()
    assert lines[0] == "# imported from f.xml"
    assert lines[lines.index("  main:") - 1] == "  # f.xml:3"
    assert "      # f.xml:7" in lines
    assert yaml.safe_load(text) == {"nodes": {"main": {"prompt": "Hi", "options": [{"key": "1"}]}}}
