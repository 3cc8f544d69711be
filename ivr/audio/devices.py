"""Sound card input and output behind two small protocols, on ``sounddevice``.

The menu only needs "play this prompt, and let me cut it short" and "give me
microphone blocks at 16 kHz"; everything PortAudio-specific stays here, and
``sounddevice`` (which loads the PortAudio C library) is imported lazily so
that keypad and text calls never need it.

Playback and capture use one explicit ``OutputStream``/``InputStream`` each:
``sd.play()`` while ``sd.rec()`` runs shares one stream and was seen to hang
the recording. Every wait has a timeout and every PortAudio call that could
block runs under a watchdog, so a broken audio server gives an
``AudioDeviceError`` instead of a hang.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, Protocol, TypeVar

import numpy as np

from ivr.audio.pcm import Audio, FloatArray
from ivr.audio.resample import StreamResampler, resample
from ivr.errors import IvrError

log = logging.getLogger(__name__)

Kind = Literal["input", "output"]
DeviceSpec = str | int | None

#: How long a PortAudio open/start/stop/close may take before we give up.
CALL_TIMEOUT = 5.0
#: How long stopping or closing a stream may take (it only hangs on a dead server).
SHUT_TIMEOUT = 2.0
#: Extra time a prompt may take beyond its length before the device counts as stalled.
PLAYBACK_SLACK = 5.0

#: Output buffer (seconds). Through ALSA's pulse plugin, anything under about
#: 0.06 s underran (gaps, and prompts "played" in a fraction of their length)
#: whenever the stream rate differed from the sink's; 0.1 s never did. A
#: barge-in stop aborts the stream, dropping this buffer, so it does not delay
#: the stop.
DEFAULT_OUTPUT_LATENCY = 0.1

_LIST_HINT = "run `ivr devices` to see the devices PortAudio can use"


class AudioDeviceError(IvrError):
    """A sound device that is missing, busy, vanished or cannot be driven."""


# ---------------------------------------------------------------- protocols


class PlaybackHandle(Protocol):
    """One prompt being played."""

    @property
    def done(self) -> bool:
        """True once playback has finished or been stopped."""
        ...

    @property
    def played_seconds(self) -> float:
        """Seconds of the prompt heard so far (an estimate on real devices)."""
        ...

    def stop(self) -> float:
        """Cut playback short now; return the seconds that were played."""
        ...

    def wait(self, timeout: float | None = None) -> bool:
        """Block until playback ends or ``timeout`` passes; True if it ended."""
        ...


class AudioOutput(Protocol):
    def play(self, audio: Audio) -> PlaybackHandle: ...


BlockCallback = Callable[[Audio], None]
#: Called once when a source ends by itself: ``None`` for the clean end of a
#: finite source (a file, a fake), an error when a device failed or vanished.
EndCallback = Callable[[AudioDeviceError | None], None]


class AudioInput(Protocol):
    """A live source that calls back with mono blocks of ``block_size`` samples at ``rate``.

    Callbacks come from the source's own thread and must return quickly.
    ``on_end`` is not called after ``stop()``.
    """

    @property
    def rate(self) -> int: ...

    @property
    def block_size(self) -> int: ...

    def start(self, on_block: BlockCallback, on_end: EndCallback) -> None: ...

    def stop(self) -> None: ...


# ---------------------------------------------------------------- sounddevice loading


def _import_sounddevice() -> Any:
    import sounddevice

    return sounddevice


def _sd() -> Any:
    """The ``sounddevice`` module, or a one-line error saying what to install."""
    try:
        return _import_sounddevice()
    except ImportError:
        raise AudioDeviceError(
            "the Python package sounddevice is not installed",
            "pip install 'ivr[audio]'",
        ) from None
    except OSError as exc:  # sounddevice raises OSError when libportaudio is absent
        raise AudioDeviceError(
            f"the PortAudio library cannot be loaded ({exc})",
            "install it, e.g. apt-get install libportaudio2",
        ) from None


def rescan() -> None:
    """Re-initialise PortAudio so it sees devices (or an ALSA config) that appeared since.

    PortAudio enumerates devices once, at initialisation, and ALSA reads
    ``~/.asoundrc`` at that moment too; sounddevice offers no public way to
    redo that, so this uses its private ``_terminate``/``_initialize``. Only
    call it with no stream open.
    """
    sd = _sd()
    terminate = getattr(sd, "_terminate", None)
    initialize = getattr(sd, "_initialize", None)
    if terminate is None or initialize is None:
        raise AudioDeviceError(
            "this sounddevice version cannot re-scan devices", "restart the program"
        )
    try:
        # Pa_Terminate closes leftover streams, and hangs on one left
        # spinning by a dead audio server: hence the watchdog.
        _with_timeout("re-initialising PortAudio", terminate)
        _with_timeout("re-initialising PortAudio", initialize)
    except sd.PortAudioError as exc:
        raise AudioDeviceError(f"PortAudio failed to re-initialise: {_pa_message(exc)}") from None


T = TypeVar("T")


def _with_timeout(what: str, call: Callable[[], T], timeout: float = CALL_TIMEOUT) -> T:
    """Run a PortAudio call that might block forever on a wedged audio server."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = call()
        except BaseException as exc:  # handed to the caller's thread below
            box["error"] = exc

    worker = threading.Thread(target=run, name=f"ivr-audio-{what}", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise AudioDeviceError(
            f"{what} did not return within {timeout:g} s",
            "the audio server or device looks stuck",
        )
    if "error" in box:
        raise box["error"]
    value: T = box["value"]
    return value


def _pa_message(exc: BaseException) -> str:
    args = getattr(exc, "args", ())
    return str(args[0]) if args else str(exc)


def _pa_error(exc: BaseException, action: str, device: DeviceInfo) -> AudioDeviceError:
    """A PortAudio error as one line, with a hint for the common causes."""
    message = _pa_message(exc)
    code = exc.args[1] if len(getattr(exc, "args", ())) > 1 else None
    hint: str | None = None
    if code == -9985 or "busy" in message.lower() or "unavailable" in message.lower():
        hint = "the device is busy: another program is using it"
    elif code == -9997:
        hint = "the device does not support this sample rate: choose another device rate"
    elif code in (-9996, -9993):
        hint = "the device may have been unplugged or its audio server stopped"
    return AudioDeviceError(f"cannot {action} {device.label}: {message}", hint)


def _shut(sd: Any, stream: Any, device: DeviceInfo) -> None:
    """Abort and close a stream, giving up (and leaking it) if the abort hangs.

    When the audio server dies under an open stream, PortAudio's ALSA thread
    was seen to spin and ``abort()`` never to return; ``close()`` would hang
    the same way, so it is skipped then. A leaked stream costs a thread; a
    hang would cost the call.
    """
    for what, call in (("stopping", stream.abort), ("closing", stream.close)):
        try:
            _with_timeout(f"{what} {device.label}", call, SHUT_TIMEOUT)
        except AudioDeviceError as exc:
            log.warning("%s; leaving the stream behind", exc)
            return
        except sd.PortAudioError as exc:
            log.warning("%s %s: %s", what, device.label, _pa_message(exc))


# ---------------------------------------------------------------- device listing


@dataclass(frozen=True)
class DeviceInfo:
    index: int
    name: str
    hostapi: str
    max_input_channels: int
    max_output_channels: int
    default_rate: float
    is_default_input: bool
    is_default_output: bool

    @property
    def label(self) -> str:
        return f"device {self.index} ({self.name!r})"

    def channels(self, kind: Kind) -> int:
        return self.max_input_channels if kind == "input" else self.max_output_channels


def list_devices() -> list[DeviceInfo]:
    """Every device PortAudio knows, with the default input and output marked."""
    sd = _sd()
    try:
        raw = sd.query_devices()
        hostapis = sd.query_hostapis()
        default_in, default_out = _defaults(sd)
    except sd.PortAudioError as exc:
        raise AudioDeviceError(f"cannot list audio devices: {_pa_message(exc)}") from None
    devices = []
    for entry in raw:
        index = int(entry["index"])
        api = int(entry["hostapi"])
        devices.append(
            DeviceInfo(
                index=index,
                name=str(entry["name"]),
                hostapi=str(hostapis[api]["name"]) if 0 <= api < len(hostapis) else "?",
                max_input_channels=int(entry["max_input_channels"]),
                max_output_channels=int(entry["max_output_channels"]),
                default_rate=float(entry["default_samplerate"]),
                is_default_input=index == default_in,
                is_default_output=index == default_out,
            )
        )
    return devices


def _defaults(sd: Any) -> tuple[int, int]:
    pair = sd.default.device
    try:
        return int(pair[0]), int(pair[1])
    except (TypeError, ValueError, IndexError):
        return -1, -1


def find_device(spec: DeviceSpec, kind: Kind) -> DeviceInfo:
    """Resolve ``spec`` (None for the default, an index, or a name) to one device.

    A name matches exactly (ignoring case) first, then as a unique substring,
    the way a person types "usb" for "USB Audio Device: - (hw:1,0)".
    """
    devices = [d for d in list_devices() if d.channels(kind) > 0]
    if not devices:
        raise AudioDeviceError(
            f"no audio {kind} devices found",
            "no sound card, or no audio server running (PortAudio sees none)",
        )
    if spec is None:
        for device in devices:
            if device.is_default_input if kind == "input" else device.is_default_output:
                return device
        raise AudioDeviceError(f"there is no default {kind} device", f"pick one; {_LIST_HINT}")
    if isinstance(spec, int) or spec.strip().isdigit():
        index = int(spec)
        for device in devices:
            if device.index == index:
                return device
        raise AudioDeviceError(f"no {kind} device with index {index}", _LIST_HINT)
    wanted = spec.strip().lower()
    exact = [d for d in devices if d.name.lower() == wanted]
    if len(exact) == 1:
        return exact[0]
    partial = exact or [d for d in devices if wanted in d.name.lower()]
    if len(partial) == 1:
        return partial[0]
    if not partial:
        raise AudioDeviceError(f"no {kind} device named {spec!r}", _LIST_HINT)
    names = ", ".join(repr(d.name) for d in partial[:5])
    raise AudioDeviceError(f"{kind} device name {spec!r} is ambiguous: {names}", _LIST_HINT)


def _block_for(seconds: float, rate: int) -> int:
    return max(1, round(seconds * rate))


# ---------------------------------------------------------------- output


class SoundDeviceOutput:
    """Plays prompts on a PortAudio output device, one stream per prompt.

    ``device_rate`` is the rate the stream is opened at (default: the
    device's own); prompts are resampled to it. ``block_size`` is in frames at
    that rate and bounds how late a stop takes effect.
    """

    def __init__(
        self,
        device: DeviceSpec = None,
        *,
        device_rate: int | None = None,
        block_size: int | None = None,
        channels: int = 1,
        latency: str | float = DEFAULT_OUTPUT_LATENCY,
    ) -> None:
        self.device = find_device(device, "output")
        self.rate = device_rate or int(self.device.default_rate)
        self.block_size = block_size or _block_for(0.02, self.rate)
        if channels < 1 or channels > self.device.max_output_channels:
            raise AudioDeviceError(
                f"{self.device.label} cannot play {channels} channels",
                f"it has {self.device.max_output_channels}",
            )
        self.channels = channels
        self.latency = latency

    def play(self, audio: Audio) -> SoundDevicePlayback:
        samples = resample(audio, self.rate).samples if len(audio.samples) else audio.samples
        return SoundDevicePlayback(self, samples.astype(np.float32), audio.seconds)


class SoundDevicePlayback:
    """A prompt playing on a real device; see ``PlaybackHandle``."""

    def __init__(self, output: SoundDeviceOutput, samples: FloatArray, seconds: float) -> None:
        sd = _sd()
        self._sd = sd
        self._samples = samples
        self._rate = output.rate
        self._seconds = seconds
        self._position = 0
        self._lock = threading.Lock()
        self._finished = threading.Event()
        self._stopped_at: float | None = None
        self._stop_requested = False
        self._closed = False
        self._close_lock = threading.Lock()
        self._failed: AudioDeviceError | None = None
        self.started_at: float | None = None  # time.monotonic() of the first block handed over
        self._device = output.device
        channels = output.channels

        def callback(outdata: Any, frames: int, _time: Any, status: Any) -> None:
            if status:
                log.debug("output status on %s: %s", self._device.label, status)
            with self._lock:
                if self.started_at is None:
                    self.started_at = time.monotonic()
                start = self._position
                chunk = self._samples[start : start + frames]
                self._position = start + len(chunk)
            outdata[: len(chunk)] = np.repeat(chunk[:, None], channels, axis=1)
            outdata[len(chunk) :] = 0.0
            if len(chunk) < frames:
                raise sd.CallbackStop

        try:
            self._stream = _with_timeout(
                f"opening {self._device.label}",
                lambda: sd.OutputStream(
                    device=self._device.index,
                    samplerate=self._rate,
                    blocksize=output.block_size,
                    channels=channels,
                    dtype="float32",
                    latency=output.latency,
                    callback=callback,
                    finished_callback=self._finished.set,
                ),
            )
        except sd.PortAudioError as exc:
            raise _pa_error(exc, "open output", self._device) from None
        try:
            _with_timeout(f"starting {self._device.label}", self._stream.start)
        except sd.PortAudioError as exc:
            self._close()
            raise _pa_error(exc, "start output on", self._device) from None
        #: Seconds between handing a block over and hearing it (PortAudio's estimate).
        self.output_latency = float(self._stream.latency)

    @property
    def done(self) -> bool:
        return self._finished.is_set()

    @property
    def played_seconds(self) -> float:
        if self._stopped_at is not None:
            return self._stopped_at
        with self._lock:
            handed = self._position / self._rate
        if self._finished.is_set() and self._position >= len(self._samples):
            return self._seconds
        # What was handed over but is still in the device buffer is not heard yet.
        return min(self._seconds, max(0.0, handed - self.output_latency))

    def stop(self) -> float:
        if self._stopped_at is not None:
            return self._stopped_at
        played = self.played_seconds
        self._stop_requested = True
        with self._close_lock:
            closing = not self._closed
            self._closed = True
        if closing:
            # abort() drops what is queued, so the caller stops hearing the
            # prompt now rather than after the device buffer drains.
            _shut(self._sd, self._stream, self._device)
        self._stopped_at = played
        self._finished.set()
        return played

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the end; with no timeout, the prompt's length plus a margin.

        Raises ``AudioDeviceError`` when a wait without timeout runs out: the
        device stopped consuming audio.
        """
        limit = self._seconds + PLAYBACK_SLACK if timeout is None else timeout
        ended = self._finished.wait(limit)
        if ended:
            self._close()
            if not self._stop_requested and self._position < len(self._samples):
                raise AudioDeviceError(
                    f"playback on {self._device.label} ended early",
                    "the device may have been unplugged or its audio server stopped",
                )
        elif timeout is None:
            self.stop()
            raise AudioDeviceError(
                f"playback on {self._device.label} stalled: "
                f"{self._seconds:.1f} s prompt not done after {limit:.1f} s",
                "the device or audio server is not consuming audio",
            )
        return ended

    def _close(self) -> None:
        with self._close_lock:
            if self._closed:
                return
            self._closed = True
        _shut(self._sd, self._stream, self._device)


# ---------------------------------------------------------------- input


class SoundDeviceInput:
    """Microphone blocks from a PortAudio input device, at the rate the caller wants.

    The stream runs at ``device_rate`` (default: the device's own) and is
    converted to ``rate`` without block-edge artefacts; blocks are re-cut to
    exactly ``block_size`` samples. Multi-channel devices are mixed to mono.
    """

    def __init__(
        self,
        device: DeviceSpec = None,
        *,
        rate: int = 16000,
        block_size: int | None = None,
        device_rate: int | None = None,
        channels: int = 1,
        latency: str | float = "low",
    ) -> None:
        self.device = find_device(device, "input")
        self._rate = rate
        self._block_size = block_size or _block_for(0.02, rate)
        self.device_rate = device_rate or int(self.device.default_rate)
        if channels < 1 or channels > self.device.max_input_channels:
            raise AudioDeviceError(
                f"{self.device.label} cannot record {channels} channels",
                f"it has {self.device.max_input_channels}",
            )
        self.channels = channels
        self.latency = latency
        self._stream: Any = None
        self._stopping = False

    @property
    def rate(self) -> int:
        return self._rate

    @property
    def block_size(self) -> int:
        return self._block_size

    def start(self, on_block: BlockCallback, on_end: EndCallback) -> None:
        if self._stream is not None:
            raise AudioDeviceError(f"{self.device.label} is already recording")
        sd = _sd()
        resampler = StreamResampler(self.device_rate, self._rate)
        pending: list[FloatArray] = []
        pending_len = 0
        size = self._block_size
        device = self.device
        self._stopping = False

        def callback(indata: Any, _frames: int, _time: Any, status: Any) -> None:
            nonlocal pending_len
            if status:
                log.debug("input status on %s: %s", device.label, status)
            mono = indata[:, 0] if indata.shape[1] == 1 else indata.mean(axis=1)
            converted = resampler.push(np.asarray(mono, dtype=np.float32))
            if len(converted):
                pending.append(converted)
                pending_len += len(converted)
            if pending_len < size:
                return
            joined = np.concatenate(pending)
            whole = len(joined) - len(joined) % size
            for start in range(0, whole, size):
                on_block(Audio(joined[start : start + size].copy(), self._rate))
            pending.clear()
            pending_len = len(joined) - whole
            if pending_len:
                pending.append(joined[whole:])

        def finished() -> None:
            if not self._stopping:
                on_end(
                    AudioDeviceError(
                        f"{device.label} stopped delivering audio",
                        "the device may have been unplugged or its audio server stopped",
                    )
                )

        device_block = _block_for(size / self._rate, self.device_rate)
        try:
            stream = _with_timeout(
                f"opening {device.label}",
                lambda: sd.InputStream(
                    device=device.index,
                    samplerate=self.device_rate,
                    blocksize=device_block,
                    channels=self.channels,
                    dtype="float32",
                    latency=self.latency,
                    callback=callback,
                    finished_callback=finished,
                ),
            )
        except sd.PortAudioError as exc:
            raise _pa_error(exc, "open input", device) from None
        self._stream = stream
        try:
            _with_timeout(f"starting {device.label}", stream.start)
        except sd.PortAudioError as exc:
            self.stop()
            raise _pa_error(exc, "start recording on", device) from None

    def stop(self) -> None:
        stream, self._stream = self._stream, None
        if stream is None:
            return
        self._stopping = True
        sd = _sd()
        # abort() rather than stop(): stop() waits for buffers to drain and
        # was seen to hang on a source that no longer produces samples.
        _shut(sd, stream, self.device)
