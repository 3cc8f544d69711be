"""Keeping the terminal for the call: stderr shown through the display, and what C
libraries write to file descriptor 2 logged instead of shown.

ALSA and PortAudio report underruns and device probing ("snd_pcm_recover
underrun occurred", "Unknown PCM cards.pcm.rear") by writing from C straight to
fd 2, under whatever the caller is typing. No Python hook sees those writes, so
while audio runs fd 2 is a pipe whose lines a thread logs (``ivr.native``, at
INFO: shown with ``-v``), and Python's own ``sys.stderr`` (our notes, log
records) is pointed at the real terminal or the display. Everything is put back
when the call ends.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
from collections.abc import Iterator
from typing import TextIO

log = logging.getLogger("ivr.native")


def _stderr_handlers(streams: tuple[object, ...]) -> list[logging.StreamHandler[TextIO]]:
    """The log handlers writing to any of ``streams``."""
    registered = logging.Logger.manager.loggerDict.values()
    loggers = [logging.getLogger(), *(x for x in registered if isinstance(x, logging.Logger))]
    return [
        handler
        for logger in loggers
        for handler in logger.handlers
        if isinstance(handler, logging.StreamHandler) and handler.stream in streams
    ]


@contextlib.contextmanager
def stderr_to(stream: TextIO) -> Iterator[None]:
    """Python's stderr, and the log handlers writing to it, go to ``stream`` meanwhile.

    Handlers on ``sys.__stderr__`` move too: they write to fd 2, which may be the pipe
    whose lines are logged, and a log line that fed itself back would never end.
    """
    old = sys.stderr
    handlers = _stderr_handlers((old, sys.__stderr__))
    olds = [handler.stream for handler in handlers]
    old.flush()
    sys.stderr = stream
    for handler in handlers:
        handler.setStream(stream)
    try:
        yield
    finally:
        stream.flush()
        for handler, previous in zip(handlers, olds, strict=True):
            handler.setStream(previous)
        sys.stderr = old


@contextlib.contextmanager
def native_stderr_logged(python_stderr: TextIO | None = None) -> Iterator[None]:
    """Lines C code writes to fd 2 are logged, not shown; ``sys.stderr`` meanwhile goes
    to ``python_stderr``, or else to where fd 2 went before."""
    sys.stderr.flush()
    saved = os.dup(2)
    read_end, write_end = os.pipe()
    os.dup2(write_end, 2)
    os.close(write_end)
    reader = threading.Thread(target=_log_lines, args=(read_end,), name="ivr-stderr", daemon=True)
    reader.start()
    terminal: TextIO | None = None
    if python_stderr is None:
        terminal = open(os.dup(saved), "w", buffering=1, errors="backslashreplace")  # noqa: SIM115
    try:
        with stderr_to(python_stderr or terminal or sys.stderr):
            yield
    finally:
        os.dup2(saved, 2)  # the pipe's last writer goes: the reader sees its end
        os.close(saved)
        reader.join(timeout=1.0)
        if terminal is not None:
            terminal.close()


def _log_lines(fd: int) -> None:
    with open(fd, "rb") as pipe:
        for raw in pipe:
            line = raw.decode(errors="replace").rstrip()
            if line:
                log.info("%s", line)
