"""The ports of ``ivr.audio.ports`` on real sound devices, through PortAudio (``sounddevice``).

Playback and capture use one explicit ``OutputStream``/``InputStream`` each:
``sd.play()`` while ``sd.rec()`` runs shares one stream and was seen to hang
the recording. Every wait has a timeout and every PortAudio call that could
block runs under ``portaudio.with_timeout``, so a broken audio server gives an
``AudioDeviceError`` instead of a hang. Devices run at their own rate; audio
crosses to and from it through ``ivr.audio.resample``.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import numpy as np

from ivr.audio import portaudio
from ivr.audio.discovery import find_device
from ivr.audio.pcm import Audio, FloatArray
from ivr.audio.ports import (
    AudioDeviceError,
    BlockCallback,
    DeviceInfo,
    DeviceSpec,
    EndCallback,
    Kind,
)
from ivr.audio.resample import StreamResampler, resample

log = logging.getLogger(__name__)

#: Extra time a prompt may take beyond its length before the device counts as stalled.
PLAYBACK_SLACK = 5.0

#: Output buffer (seconds). Through ALSA's pulse plugin, anything under about
#: 0.06 s underran (gaps, and prompts "played" in a fraction of their length)
#: whenever the stream rate differed from the sink's; 0.1 s never did. A
#: barge-in stop aborts the stream, dropping this buffer, so it does not delay
#: the stop.
DEFAULT_OUTPUT_LATENCY = 0.1


def _block_for(seconds: float, rate: int) -> int:
    return max(1, round(seconds * rate))


def _stream_clock(stamp: float, current: float, fallback: float) -> float:
    """How far from now (seconds, ``time.monotonic()`` scale) a PortAudio
    callback's DAC or ADC time is; ``fallback`` when the host API gives none."""
    return stamp - current if stamp > 0 and current > 0 else fallback


def _channels(device: DeviceInfo, kind: Kind, wanted: int) -> int:
    """``wanted``, if the device has that many channels; else a one-line error now,
    rather than PortAudio's when the stream opens."""
    have = device.channels(kind)
    if wanted < 1 or wanted > have:
        verb = "record" if kind == "input" else "play"
        raise AudioDeviceError(f"{device.label} cannot {verb} {wanted} channels", f"it has {have}")
    return wanted


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
        self.channels = _channels(self.device, "output", channels)
        self.latency = latency

    def play(self, audio: Audio) -> SoundDevicePlayback:
        samples = resample(audio, self.rate).samples if len(audio.samples) else audio.samples
        return SoundDevicePlayback(self, samples.astype(np.float32), audio.seconds)


class SoundDevicePlayback:
    """A prompt playing on a real device; see ``PlaybackHandle``."""

    def __init__(self, output: SoundDeviceOutput, samples: FloatArray, seconds: float) -> None:
        sd = portaudio.load()
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
        #: time.monotonic() at which the first sample reaches the speaker, by
        #: PortAudio's clock: where echo cancellation lines the prompt up.
        self.heard_from: float | None = None
        self._device = output.device
        channels = output.channels

        ahead = output.latency if isinstance(output.latency, float) else DEFAULT_OUTPUT_LATENCY

        def callback(outdata: Any, frames: int, when: Any, status: Any) -> None:
            if status:
                log.debug("output status on %s: %s", self._device.label, status)
            with self._lock:
                if self.started_at is None:
                    self.started_at = time.monotonic()
                    dac = _stream_clock(when.outputBufferDacTime, when.currentTime, ahead)
                    self.heard_from = self.started_at + dac
                start = self._position
                chunk = self._samples[start : start + frames]
                self._position = start + len(chunk)
            outdata[: len(chunk)] = np.repeat(chunk[:, None], channels, axis=1)
            outdata[len(chunk) :] = 0.0
            if len(chunk) < frames:
                raise sd.CallbackStop

        try:
            self._stream = portaudio.with_timeout(
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
            raise portaudio.device_error(exc, "open output", self._device) from None
        try:
            portaudio.with_timeout(f"starting {self._device.label}", self._stream.start)
        except sd.PortAudioError as exc:
            self._close()
            raise portaudio.device_error(exc, "start output on", self._device) from None
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
            portaudio.shut(self._sd, self._stream, self._device)
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
        portaudio.shut(self._sd, self._stream, self._device)


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
        self.channels = _channels(self.device, "input", channels)
        self.latency = latency
        self._stream: Any = None
        self._stopping = False
        #: time.monotonic() at which the first sample of the block being handed
        #: to ``on_block`` was captured, by PortAudio's clock (for echo cancellation).
        self.block_time: float | None = None

    @property
    def rate(self) -> int:
        return self._rate

    @property
    def block_size(self) -> int:
        return self._block_size

    def start(self, on_block: BlockCallback, on_end: EndCallback) -> None:
        if self._stream is not None:
            raise AudioDeviceError(f"{self.device.label} is already recording")
        sd = portaudio.load()
        resampler = StreamResampler(self.device_rate, self._rate)
        pending: list[FloatArray] = []
        pending_len = 0
        size = self._block_size
        device = self.device
        self._stopping = False

        lag = 0.0 if self.device_rate == self._rate else resampler.delay_seconds

        def callback(indata: Any, frames: int, when: Any, status: Any) -> None:
            nonlocal pending_len
            if status:
                log.debug("input status on %s: %s", device.label, status)
            span = frames / self.device_rate
            adc = _stream_clock(when.inputBufferAdcTime, when.currentTime, -span)
            ends = time.monotonic() + adc + span - lag  # just after the last converted sample
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
                self.block_time = ends - (len(joined) - start) / self._rate
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
            stream = portaudio.with_timeout(
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
            raise portaudio.device_error(exc, "open input", device) from None
        self._stream = stream
        try:
            portaudio.with_timeout(f"starting {device.label}", stream.start)
        except sd.PortAudioError as exc:
            self.stop()
            raise portaudio.device_error(exc, "start recording on", device) from None

    def stop(self) -> None:
        stream, self._stream = self._stream, None
        if stream is None:
            return
        self._stopping = True
        sd = portaudio.load()
        # abort() rather than stop(): stop() waits for buffers to drain and
        # was seen to hang on a source that no longer produces samples.
        portaudio.shut(sd, stream, self.device)
