"""Virtual sound devices for tests, on a private PulseAudio daemon (no sound card needed).

Layout (see /work/shared/notes/audio-on-ci.md, verified here):

- ``ivrspk``: the menu's speaker, a null sink; ``ivrmon`` records what it played.
- ``callerline``: the caller's mouth, a null sink the test plays into;
  ``callermic`` is its monitor, the menu's microphone.
- The defaults are ``ivrspk`` and ``callerline.monitor``, so a call on the
  default devices speaks to the caller and hears the caller, never itself.

PortAudio in Debian has no PulseAudio host API, so the devices are reached
through ALSA's pulse plugin, declared in an ``.asoundrc`` in a private HOME.
ALSA reads that file when PortAudio initialises, so after pointing HOME at it
PortAudio must be re-initialised (``ivr.audio.discovery.rescan()``); merely
importing sounddevice afterwards is not enough if it was imported before.

The daemon runs in the foreground as our child (``--daemonize=no``), so it is
killed by the pid we hold, and started with ``-n`` (no default.pa): only the
modules we load, no hardware probing, no suspend-on-idle. One ``parec`` reader
stays on each monitor: without it a new capture stream on a monitor waits
0.5-1.5 s before the first samples (measured on this machine).
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

RATE = 16000
SPEAKER = "ivrspk"
SPEAKER_MONITOR = "ivrmon"
CALLER_LINE = "callerline"
CALLER_MIC = "callermic"

ASOUNDRC = f"""\
pcm.{SPEAKER} {{ type pulse; device "{SPEAKER}" }}
pcm.{SPEAKER_MONITOR} {{ type pulse; device "{SPEAKER}.monitor" }}
pcm.{CALLER_LINE} {{ type pulse; device "{CALLER_LINE}" }}
pcm.{CALLER_MIC} {{ type pulse; device "{CALLER_LINE}.monitor" }}
"""

REQUIRED_PROGRAMS = ("pulseaudio", "pactl", "parec")


class VirtualAudioError(RuntimeError):
    """The virtual devices could not be set up (with the daemon's log tail)."""


def missing_programs() -> list[str]:
    return [p for p in REQUIRED_PROGRAMS if shutil.which(p) is None]


@dataclass
class VirtualAudio:
    """A running private PulseAudio with the two null sinks, and its environment."""

    root: Path
    env: dict[str, str]
    daemon: subprocess.Popen[bytes]
    readers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    speaker: str = SPEAKER
    speaker_monitor: str = SPEAKER_MONITOR
    caller_line: str = CALLER_LINE
    caller_mic: str = CALLER_MIC
    rate: int = RATE

    @property
    def log_path(self) -> Path:
        return self.root / "pulseaudio.log"

    def log_tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no daemon log)"

    def pactl(self, *args: str, timeout: float = 5.0) -> str:
        done = subprocess.run(
            ["pactl", *args], env=self.env, capture_output=True, text=True, timeout=timeout
        )
        if done.returncode != 0:
            raise VirtualAudioError(f"pactl {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout

    def alive(self) -> bool:
        return self.daemon.poll() is None


def _env_for(root: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        HOME=str(root / "home"),
        XDG_CONFIG_HOME=str(root / "config"),
        XDG_RUNTIME_DIR=str(root / "runtime"),
    )
    # A PULSE_SERVER from the outside would send every client elsewhere.
    for name in ("PULSE_SERVER", "PULSE_SINK", "PULSE_SOURCE", "PULSE_COOKIE"):
        env.pop(name, None)
    return env


def start_virtual_audio(root: Path | None = None, ready_timeout: float = 10.0) -> VirtualAudio:
    """Start the daemon, the sinks and the monitor readers; tear down what started on failure."""
    root = Path(tempfile.mkdtemp(prefix="ivr-vaudio-")) if root is None else root
    for sub in ("home", "config", "runtime"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    (root / "runtime").chmod(0o700)
    (root / "home" / ".asoundrc").write_text(ASOUNDRC)
    env = _env_for(root)
    sinks = [
        f"--load=module-null-sink sink_name={name} rate={RATE} channels=1"
        for name in (SPEAKER, CALLER_LINE)
    ]
    command = [
        "pulseaudio",
        "-n",
        "--daemonize=no",
        "--exit-idle-time=-1",
        "--disallow-exit",
        "--use-pid-file=no",
        f"--log-target=file:{root / 'pulseaudio.log'}",
        "--load=module-native-protocol-unix",
        *sinks,
    ]
    daemon = subprocess.Popen(
        command,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    audio = VirtualAudio(root=root, env=env, daemon=daemon)
    try:
        _wait_ready(audio, ready_timeout)
        # PulseAudio's default source would be the first it made, the speaker's own
        # monitor: a call on the default devices would hear itself, not the caller.
        audio.pactl("set-default-sink", SPEAKER)
        audio.pactl("set-default-source", f"{CALLER_LINE}.monitor")
        for monitor in (f"{SPEAKER}.monitor", f"{CALLER_LINE}.monitor"):
            audio.readers.append(
                subprocess.Popen(
                    ["parec", f"--device={monitor}", "--latency-msec=20"],
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    start_new_session=True,
                )
            )
    except BaseException:
        stop_virtual_audio(audio)
        raise
    return audio


def _wait_ready(audio: VirtualAudio, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        if not audio.alive():
            raise VirtualAudioError(f"pulseaudio exited at start:\n{audio.log_tail()}")
        try:
            sinks = audio.pactl("list", "short", "sinks", timeout=2.0)
        except (VirtualAudioError, subprocess.TimeoutExpired) as exc:
            last = str(exc)
        else:
            if SPEAKER in sinks and CALLER_LINE in sinks:
                return
            last = f"sinks so far: {sinks!r}"
        time.sleep(0.05)
    raise VirtualAudioError(
        f"pulseaudio not ready after {timeout:g} s ({last}):\n{audio.log_tail()}"
    )


def _kill(process: subprocess.Popen[bytes], name: str) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=3.0)
    except subprocess.TimeoutExpired:
        log.warning("%s (pid %d) ignored SIGTERM; killing it", name, process.pid)
        process.kill()
        process.wait(timeout=3.0)


def stop_virtual_audio(audio: VirtualAudio, remove: bool = True) -> None:
    """Kill readers and daemon by pid, then remove the temp tree."""
    for reader in audio.readers:
        _kill(reader, "parec")
    _kill(audio.daemon, "pulseaudio")
    if remove:
        shutil.rmtree(audio.root, ignore_errors=True)


@contextmanager
def using_virtual_audio(audio: VirtualAudio) -> Iterator[VirtualAudio]:
    """Point this process at the virtual devices, re-initialising PortAudio both ways.

    HOME and the XDG directories are changed only inside the block, so tests
    that run outside it see the real environment.
    """
    from ivr.audio.discovery import rescan

    names = ("HOME", "XDG_CONFIG_HOME", "XDG_RUNTIME_DIR", "PULSE_SERVER", "PULSE_COOKIE")
    saved = {name: os.environ.get(name) for name in names}
    for name in names:
        value = audio.env.get(name)
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    try:
        rescan()
        yield audio
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        rescan()


def warm_up(audio: VirtualAudio, timeout: float = 5.0) -> float:
    """Wait until a capture stream on each monitor gets samples promptly.

    The parec readers take about a second to get the monitors flowing; a test
    that starts before that would see its first 0.5-1.5 s of audio late.
    Returns the seconds waited.
    """
    import sounddevice as sd

    began = time.monotonic()
    for device in (audio.speaker_monitor, audio.caller_mic):
        while True:
            first: list[float] = []
            opened = time.monotonic()

            def callback(*_args: object, _first: list[float] = first) -> None:
                if not _first:
                    _first.append(time.monotonic())

            with sd.InputStream(
                device=device, samplerate=RATE, channels=1, blocksize=320, callback=callback
            ):
                deadline = opened + 1.0
                while not first and time.monotonic() < deadline:
                    time.sleep(0.01)
            if first and first[0] - opened < 0.1:
                break
            if time.monotonic() - began > timeout:
                raise VirtualAudioError(f"{device}: capture still slow to start after {timeout} s")
    return time.monotonic() - began
