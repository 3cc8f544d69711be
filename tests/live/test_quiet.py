"""What C libraries write to fd 2 during a call is logged, not shown; Python's own
stderr still reaches the terminal (or the display)."""

from __future__ import annotations

import io
import logging
import os
import sys

import pytest

from ivr.live.quiet import native_stderr_logged, stderr_to

ALSA = b"ALSA lib pcm.c:8570:(snd_pcm_recover) underrun occurred\n"


def test_what_c_code_writes_to_fd_2_is_logged_not_shown(
    capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="ivr.native")
    with native_stderr_logged(io.StringIO()):
        os.write(2, ALSA)  # as libasound does, below Python
    assert "underrun occurred" not in capfd.readouterr().err
    assert any("snd_pcm_recover) underrun occurred" in r.getMessage() for r in caplog.records)
    assert all(r.name == "ivr.native" and r.levelno == logging.INFO for r in caplog.records)


def test_python_stderr_goes_to_the_given_stream_meanwhile_and_back_after(
    capfd: pytest.CaptureFixture[str],
) -> None:
    shown = io.StringIO()
    before = sys.stderr
    with native_stderr_logged(shown):
        print("ivr: no microphone input", file=sys.stderr)
    assert shown.getvalue() == "ivr: no microphone input\n"
    assert sys.stderr is before
    os.write(2, b"after the call\n")
    assert "after the call" in capfd.readouterr().err


def test_without_a_stream_python_stderr_still_reaches_the_real_fd_2(
    capfd: pytest.CaptureFixture[str],
) -> None:
    with native_stderr_logged():
        print("ivr: recorded the call", file=sys.stderr)
        os.write(2, ALSA)
    err = capfd.readouterr().err
    assert "ivr: recorded the call" in err and "underrun" not in err


def test_log_handlers_on_stderr_follow_it_and_are_put_back() -> None:
    handler = logging.StreamHandler(sys.stderr)
    logger = logging.getLogger("ivr.test_quiet")
    logger.addHandler(handler)
    try:
        shown = io.StringIO()
        with stderr_to(shown):
            logger.warning("device went away")
        assert handler.stream is sys.stderr
        assert "device went away" in shown.getvalue()
    finally:
        logger.removeHandler(handler)
