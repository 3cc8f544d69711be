"""Hostile menu files: each answered with one clear line and exit 1, in bounded memory.

Run through the real CLI in a subprocess whose address space is capped, so a
file that made the loader balloon (or crash) fails the test instead of the
machine.
"""

from __future__ import annotations

import resource
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MEMORY_CAP = 768 * 1024 * 1024


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def lint(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ivr", "lint", str(path)], capture_output=True, text=True,
        timeout=120, preexec_fn=_cap_memory, cwd=ROOT, check=False,
    )  # fmt: skip


def big(path: Path) -> str:
    path.write_text("menu: x\n# " + "a" * (10 * 1024 * 1024) + "\n")
    return "file is 10,485,771 bytes, more than the 8,388,608 allowed"


def alias_bomb(path: Path) -> str:
    rows = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        rows.append(f"{chr(97 + i)}: &{chr(97 + i)} [" + ",".join([f"*{chr(96 + i)}"] * 9) + "]")
    path.write_text("\n".join(rows) + "\n")
    return "(an alias bomb?)"


def deep_mapping(path: Path) -> str:
    path.write_text("".join("  " * i + f"k{i}:\n" for i in range(100)) + "  " * 100 + "v\n")
    return "nesting is deeper than 64 levels"


def deep_flow(path: Path) -> str:
    path.write_text("a: " + "[" * 100_000 + "]" * 100_000 + "\n")
    return "nesting"


def python_tag(path: Path) -> str:
    path.write_text('menu: !!python/object/apply:os.system ["echo pwned"]\n')
    return "is not allowed (menus are plain YAML: remove the !tag)"


def latin1(path: Path) -> str:
    path.write_bytes("menu: caf\xe9\n".encode("latin-1"))
    return ":1:10: not valid UTF-8 (byte 0xe9) (save the file as UTF-8)"


def binary(path: Path) -> str:
    path.write_bytes(bytes(range(256)) * 64)
    return "not valid UTF-8"


def nul_byte(path: Path) -> str:
    path.write_bytes(b"menu: a\x00b\n")
    return "invalid YAML"


def recursive_alias(path: Path) -> str:
    path.write_text("a: &x [1, *x]\n")
    return "an alias refers to a collection that contains it"


def tag_on_wrong_value(path: Path) -> str:
    path.write_text("a: !!map foo\n")
    return "a value cannot be read as its tag says"


def empty(path: Path) -> str:
    path.write_bytes(b"")
    return ":1:1: file is empty"


def directory(path: Path) -> str:
    path.mkdir()
    return ":1:1: is a directory, not a YAML file (give the path of a .yaml file)"


def a_list(path: Path) -> str:
    path.write_text("- 1\n- 2\n")
    return "a menu file must be a mapping, not a list"


CASES: list[object] = [
    big, alias_bomb, deep_mapping, python_tag, latin1, binary, empty, directory, a_list,
    deep_flow, nul_byte, recursive_alias, tag_on_wrong_value,
]  # fmt: skip


@pytest.mark.parametrize("make", CASES)
def test_hostile_file_gets_one_clear_line(tmp_path: Path, make: Callable[[Path], str]) -> None:
    path = tmp_path / "menu.yaml"
    expected = make(path)
    result = lint(path)
    output = (result.stdout + result.stderr).strip()
    assert result.returncode == 1, (result.returncode, output[-500:])
    assert "Traceback" not in output
    assert len(output.splitlines()) == 1, output
    assert output.startswith(f"{path}:") and expected in output
