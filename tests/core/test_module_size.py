"""No module of the package grows past what a reader takes in at once."""

from __future__ import annotations

import ast
from pathlib import Path

import ivr

LIMIT = 400  # lines, unless the module's docstring says why it must be one piece
PACKAGE = Path(ivr.__file__).parent


def test_every_module_is_at_most_400_lines_or_says_why_it_is_one_piece() -> None:
    too_long = []
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if text.count("\n") <= LIMIT:
            continue
        doc = ast.get_docstring(ast.parse(text)) or ""
        if "one piece" not in doc:
            too_long.append(f"{path.relative_to(PACKAGE)} ({text.count(chr(10))} lines)")
    assert too_long == []


def test_the_package_has_modules_to_check() -> None:
    assert len(list(PACKAGE.rglob("*.py"))) > 50
