"""``ivr test -k`` and ``--shard K/N``, and the JUnit reports of shards merged back into one."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest

from ivr.errors import IvrError
from ivr.scripted.callfile import LoadedFile, load_call_files
from ivr.scripted.select import Shard, parse_shard, select_calls, shard_calls
from tests.scripted.conftest import CALLS_DIR
from tests.scripted.test_cli_test_command import run_cli

NORWAY_CALLS = CALLS_DIR / "norway.calls.yaml"

THREE = (
    "calls:\n"
    "  - name: Mental Health by key\n"
    "    steps: [{press: '3'}, {expect_route: 116 123}]\n"
    "  - name: police information\n"
    "    steps: [{press: '41'}, {expect_route: '02800'}]\n"
    "  - name: wrong on purpose <&>\n"
    "    steps: [{press: '4'}, {expect_route: '113'}]\n"
)
TWO = (
    "calls:\n"
    "  - name: fire by key\n"
    "    steps: [{press: '110'}, {expect_route: '110'}]\n"
    "  - name: ambulance in words\n"
    "    steps: [{say: my dad has chest pain}, {expect_route: '113'}]\n"
)


def _keys(files: list[LoadedFile]) -> list[tuple[str, str]]:
    return [(f.calls.path, c.name) for f in files for c in f.calls.calls]


def test_k_picks_calls_by_a_piece_of_their_name_ignoring_case(
    write_calls: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = write_calls(THREE)
    assert run_cli(["test", str(path), "-k", "mental HEALTH"], monkeypatch) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1:3] == ["  PASS  Mental Health by key", ""]
    assert out[-1].startswith("1 call in 1 file: 1 passed, 0 failed")


def test_k_also_matches_the_file_name_and_repeated_k_means_any(
    write_calls: Callable[..., Path],
) -> None:
    three = write_calls(THREE, name="helplines.calls.yaml")
    two = write_calls(TWO, name="emergencies.calls.yaml")
    files = load_call_files([str(three), str(two)])
    assert _keys(select_calls(files, ["EMERGENC"])) == [
        (str(two), "fire by key"),
        (str(two), "ambulance in words"),
    ]
    assert _keys(select_calls(files, ["fire", "police"])) == [
        (str(three), "police information"),
        (str(two), "fire by key"),
    ]
    assert select_calls(files, []) == files


def test_k_matching_no_call_is_an_error(
    write_calls: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = write_calls(THREE)
    assert run_cli(["test", str(path), "-k", "nothing", "-k", "neither"], monkeypatch) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "Error: no call matches -k 'nothing' or 'neither' (of 3 calls in 1 file) "
        "(-k is a piece of a call's name or of its file's name, case ignored)\n"
    )


@pytest.mark.parametrize("count", [1, 2, 3, 7, 250])
def test_shards_are_disjoint_balanced_and_together_every_call(count: int) -> None:
    files = load_call_files([str(NORWAY_CALLS)])
    everything = _keys(files)
    shards = [_keys(shard_calls(files, Shard(k, count))) for k in range(1, count + 1)]
    together = [key for shard in shards for key in shard]
    assert sorted(together) == sorted(everything)  # each call once: the union, disjoint
    assert len(set(together)) == len(together)
    sizes = [len(shard) for shard in shards]
    assert max(sizes) - min(sizes) <= 1
    again = [_keys(shard_calls(load_call_files([str(NORWAY_CALLS)]), Shard(1, count)))]
    assert again[0] == shards[0]  # the same split on every run


def test_a_shard_is_round_robin_over_the_run_order(write_calls: Callable[..., Path]) -> None:
    three = write_calls(THREE, name="a.calls.yaml")
    two = write_calls(TWO, name="b.calls.yaml")
    files = load_call_files([str(three), str(two)])
    first, second = (shard_calls(files, Shard(k, 2)) for k in (1, 2))
    assert _keys(first) == [
        (str(three), "Mental Health by key"),
        (str(three), "wrong on purpose <&>"),
        (str(two), "ambulance in words"),
    ]
    assert _keys(second) == [(str(three), "police information"), (str(two), "fire by key")]
    assert [f.calls.path for f in second] == [str(three), str(two)]  # every file, in order


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2", "--shard '2' is not K/N (e.g. --shard 2/4: the second of 4 shards)"),
        ("a/b", "--shard 'a/b' is not K/N (e.g. --shard 2/4: the second of 4 shards)"),
        ("0/3", "--shard '0/3': K must be from 1 to N and N at least 1 (e.g. --shard 1/3 ... "
         "--shard 3/3)"),
        ("4/3", "--shard '4/3': K must be from 1 to N and N at least 1 (e.g. --shard 1/3 ... "
         "--shard 3/3)"),
    ],
)  # fmt: skip
def test_a_shard_that_is_not_k_of_n_is_refused(text: str, message: str) -> None:
    with pytest.raises(IvrError) as raised:
        parse_shard(text)
    assert str(raised.value) == message
    assert parse_shard(" 2 / 4 ") == Shard(2, 4)


def _without_times(path: Path) -> bytes:
    root = ET.parse(path).getroot()
    for element in root.iter():
        element.attrib.pop("time", None)
    return ET.tostring(root)


def test_merged_shard_reports_equal_the_unsharded_report_but_for_times(
    write_calls: Callable[..., Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    three = write_calls(THREE, name="z.calls.yaml")
    two = write_calls(TWO, name="a.calls.yaml")
    paths = [str(three), str(two)]  # not in name order: the run order must come back
    whole = tmp_path / "whole.xml"
    assert run_cli(["test", *paths, "--junit", str(whole)], monkeypatch) == 1
    shards = []
    for k in (1, 2, 3):
        shards.append(tmp_path / f"shard-{k}.xml")
        run_cli(["test", *paths, "--shard", f"{k}/3", "--junit", str(shards[-1])], monkeypatch)
    capsys.readouterr()
    merged = tmp_path / "merged.xml"
    code = run_cli(["test", "--merge-junit", str(merged), *map(str, shards[::-1])], monkeypatch)
    assert code == 1  # the merged report holds the failing call
    assert capsys.readouterr().out == (
        f"merged 3 reports into {merged}: 5 calls in 2 files: 4 passed, 1 failed\n"
    )
    assert _without_times(merged) == _without_times(whole)
    root = ET.parse(merged).getroot()
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("5", "1", "0")


def test_an_empty_shard_passes_and_still_writes_a_report(
    write_calls: Callable[..., Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = write_calls(TWO)
    report = tmp_path / "shard.xml"
    assert run_cli(["test", str(path), "--shard", "3/3", "--junit", str(report)], monkeypatch) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "shard 3/3: 0 calls"
    assert out[-1].startswith("0 calls in 0 files: 0 passed, 0 failed")
    root = ET.parse(report).getroot()
    assert root.get("tests") == "0" and root.find("testsuite") is not None


def test_a_call_in_two_reports_is_refused(
    write_calls: Callable[..., Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = write_calls(TWO)
    report = tmp_path / "r.xml"
    run_cli(["test", str(path), "--junit", str(report)], monkeypatch)
    capsys.readouterr()
    out = tmp_path / "out.xml"
    assert run_cli(["test", "--merge-junit", str(out), str(report), str(report)], monkeypatch) == 1
    assert capsys.readouterr().err == (
        f"Error: call 'fire by key' of {path} is in both {report} and {report} "
        "(merge the shards of one run, each once)\n"
    )
    assert not out.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("<testsuites><testsuite", "{path}:1:13: not well-formed XML: unclosed token "
         "(give the files ivr test --junit wrote, whole)"),
        ("<html/>", "{path}: not a JUnit report (its root is <html>, not <testsuites>) "
         "(give the files ivr test --junit wrote)"),
    ],
)  # fmt: skip
def test_a_report_that_is_not_junit_is_one_clear_error(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    text: str,
    message: str,
) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_text(text, encoding="utf-8")
    assert run_cli(["test", "--merge-junit", str(tmp_path / "o.xml"), str(bad)], monkeypatch) == 1
    assert capsys.readouterr().err == "Error: " + message.format(path=bad) + "\n"


def test_merging_refuses_the_options_of_a_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["test", "--merge-junit", str(tmp_path / "o.xml"), "x.xml", "-k", "a", "--audio"]
    assert run_cli(argv, monkeypatch) == 1
    assert capsys.readouterr().err == (
        "Error: --merge-junit runs no calls, so -k, --audio cannot go with it "
        "(merge in a step of its own: ivr test --merge-junit OUT FILE...)\n"
    )


def test_merged_shard_coverage_equals_the_unsharded_coverage(
    write_calls: Callable[..., Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    paths = [str(write_calls(THREE, name="z.calls.yaml")), str(NORWAY_CALLS)]
    whole = tmp_path / "whole.json"
    run_cli(["test", *paths, "--coverage-json", str(whole)], monkeypatch)
    shards = [tmp_path / f"cov-{k}.json" for k in (1, 2, 3, 4)]
    for k, shard in enumerate(shards, start=1):
        run_cli(["test", *paths, "--shard", f"{k}/4", "--coverage-json", str(shard)], monkeypatch)
    capsys.readouterr()
    merged = tmp_path / "merged.json"
    assert run_cli(["test", "--merge-coverage", str(merged), *map(str, shards)], monkeypatch) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"merged 4 coverage files into {merged}\nCoverage of ")
    assert merged.read_bytes() == whole.read_bytes()


def test_a_coverage_file_of_another_kind_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "junit.json"
    bad.write_text('{"tests": 3}', encoding="utf-8")
    assert run_cli(["test", "--merge-coverage", str(tmp_path / "o"), str(bad)], monkeypatch) == 1
    assert capsys.readouterr().err == (
        f"Error: {bad}: not an ivr-coverage/1 coverage file "
        "(give the files ivr test --coverage-json wrote)\n"
    )
