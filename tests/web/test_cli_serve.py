"""``ivr serve`` on the command line: the address it prints, errors, Ctrl-C."""

from __future__ import annotations

import importlib.util
import os
import re
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ivr.cli import main as cli_main

from .conftest import NORWAY, ROOT
from .webclient import RawCall, run

SERVING = re.compile(r"^Serving 1 menu\(s\) at http://127\.0\.0\.1:(\d+)/ \(Ctrl-C stops\)$")


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli_main.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_bad_menu_is_one_error_line_before_anything_listens(
    capsys: pytest.CaptureFixture[str], write_menu: Any
) -> None:
    bad = write_menu("menu: m\nstart: main\nnodes:\n  main:\n    prompt: Hi.\n    optoins: []\n")
    code, out, err = cli(capsys, "serve", str(NORWAY), str(bad), "--port", "0")
    assert code == 1 and out == ""
    lines = err.splitlines()
    assert any(line.startswith(f"Error: {bad}:6:5: unknown key 'optoins'") for line in lines)
    assert all(line.startswith(f"Error: {bad}:") for line in lines)  # each problem, one line


def test_without_aiohttp_the_command_says_to_install_the_web_extra(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "aiohttp" else real(name, *a)
    )
    code, _, err = cli(capsys, "serve", str(NORWAY))
    message = "Error: ivr serve needs aiohttp, which is not installed (install ivr[web])\n"
    assert (code, err) == (1, message)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--port", "70000"],
            "Error: --port 70000 is not a port (use 1-65535, or 0 for a free one)",
        ),
        (["--max-calls", "0"], "Error: --max-calls 0 allows no call (use 1 or more)"),
    ],
)
def test_bad_options_are_one_error_line(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, _, err = cli(capsys, "serve", str(NORWAY), *args)
    assert (code, err.strip()) == (1, message)


def test_a_port_in_use_is_one_error_line(
    capsys: pytest.CaptureFixture[str], norway_server: Any
) -> None:
    port = norway_server.url.rsplit(":", 1)[1].strip("/")
    code, _, err = cli(capsys, "serve", str(NORWAY), "--port", port)
    assert code == 1
    assert err.startswith(f"Error: cannot listen on 127.0.0.1:{port}: ")
    assert err.strip().endswith("(pick another --port, or --port 0 for a free one)")


def test_the_server_prints_its_address_takes_calls_and_ctrl_c_exits_130() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "IVR_EMBEDDINGS": "none"}
    process = subprocess.Popen(
        [sys.executable, "-m", "ivr", "serve", str(NORWAY), "--port", "0"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        line = process.stdout.readline().rstrip("\n")
        found = SERVING.match(line)
        assert found, line
        url = f"http://127.0.0.1:{found.group(1)}/"

        async def call() -> RawCall:
            async with RawCall(url) as raw:
                await raw.start()
                await raw.press("113")
                await raw.finish()
            return raw

        assert run(call()).of_type("result")[0]["route"] == "113"
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 130
    assert err.strip().splitlines()[-1] == "Interrupted."
    assert "Traceback" not in err


def test_serve_is_listed_in_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli_main.main(["serve", "--help"])
    out = capsys.readouterr().out
    assert "--max-calls N" in out and "/?autocall=1" in out
    assert Path(NORWAY).exists()
