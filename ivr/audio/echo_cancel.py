"""``ivr run --echo cancel``: the call's own prompts filtered out of the microphone.

WebRTC's audio processing module (PyPI ``webrtc-audio-processing``, its classic
echo canceller; imported here and nowhere else) subtracts from each 10 ms of
microphone what the speaker played, given that as a reference. Chosen over
``speexdsp`` (which also builds here) on a real espeak-ng prompt through a
simulated echo path: WebRTC took 24-30 dB of the prompt out from its first
words, Speex 7-12 dB over a first prompt (3-4 dB in its first half second,
when a self-interruption happens) and ~30 dB only from the second prompt on.

WebRTC's canceller is only as good as the timing it is given: its reference
must lead the echo by 5-40 ms (21-26 dB; 10 dB at 0 or 60 ms, and nothing
with the echo 130 ms late). Lining up by counting samples left ±20 ms of
jitter from block phases, so both sides go by PortAudio's own clock instead:
each prompt is placed on a timeline at the moment its first sample reaches
the speaker (``SoundDevicePlayback.heard_from``), each microphone block is
read against the moment it was captured (``SoundDeviceInput.block_time``),
counted on by samples (a block's own time wanders by ~1 ms, which the
canceller takes for a moving echo). On the virtual devices the two clocks
agreed within 1.1 ms over 5 prompts, once the microphone had run a second;
``ivr.audio.echo_delay`` finds the echo when they do not.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import numpy as np

from ivr.audio.echo_delay import MAX_LAG, DelayEstimator, ReferenceTimeline
from ivr.audio.pcm import Audio, FloatArray
from ivr.audio.ports import AudioDeviceError, BlockCallback, EndCallback
from ivr.audio.resample import resample
from ivr.audio.streams import SoundDeviceInput, SoundDeviceOutput, SoundDevicePlayback
from ivr.errors import IvrError

log = logging.getLogger(__name__)

#: The canceller takes 10 ms frames and nothing else.
FRAME_SECONDS = 0.01
#: How far the reference is read ahead of the microphone: the middle of the
#: 5-40 ms window in which the canceller does its best (see the docstring).
REFERENCE_LEAD = 0.02
#: Microphone blocks are timed by counting samples from the first; only a
#: block whose own capture time is further off than this (audio lost) restarts
#: the count. Blocks' own times wander, by 20 ms a block while a monitor
#: stream settles: a count resynced at 5 ms moved the echo 15 ms at a time,
#: and each move let some of the prompt through while the check caught up.
RESYNC = 0.25
#: The microphone's level while a prompt plays whose echo is not yet placed
#: (-40 dB): quieter than any echo left, not the digital silence that delays
#: end-of-speech detection.
HOLD_GAIN = 0.01
INSTALL_HINT = "pip install 'ivr[echo]' (it builds from source: apt-get install swig g++ first)"


def _load_module() -> Any:
    try:
        import webrtc_audio_processing
    except ImportError:
        raise IvrError(
            "--echo cancel needs the Python package webrtc-audio-processing", INSTALL_HINT
        ) from None
    return webrtc_audio_processing


def _pcm16(samples: FloatArray) -> bytes:
    return bytes((np.clip(samples, -1.0, 1.0) * 32767.0).astype("<i2").tobytes())


class EchoCanceller:
    """One call's canceller: prompts go in as the speaker plays them, the
    microphone comes out without them. Not shared between calls."""

    def __init__(self, rate: int) -> None:
        module = _load_module()
        self.rate = rate
        self.frame = round(rate * FRAME_SECONDS)
        self.timeline = ReferenceTimeline(rate)
        self._module = module
        self._apm = self._fresh()
        self._moves = 0
        self._pending: list[tuple[SoundDevicePlayback, FloatArray]] = []
        self._pending_lock = threading.Lock()
        self._carry = np.zeros(0, dtype=np.float32)
        self._carry_time = 0.0
        self._out = np.zeros(0, dtype=np.float32)
        self._primed = False
        self.delay = DelayEstimator(rate, self.timeline)

    def _fresh(self) -> Any:
        """A new canceller: after the delay moved, what the old one learnt is wrong
        (it had adapted to a misplaced reference) and it takes longer to unlearn
        than a new one to learn."""
        apm = self._module.AudioProcessingModule(aec_type=2, enable_ns=False, agc_type=0)
        apm.set_stream_format(self.rate, 1)
        apm.set_reverse_stream_format(self.rate, 1)
        apm.set_system_delay(0)  # the timeline lines the two up already
        return apm

    def played(self, playback: SoundDevicePlayback, audio: Audio) -> None:
        """A prompt has started: it is placed once its stream says when it is heard."""
        samples = resample(audio, self.rate).samples.astype(np.float32)
        with self._pending_lock:
            self._pending.append((playback, samples))

    def stopped(self, at: float) -> None:
        self.timeline.cut(at)

    def _place_started(self) -> None:
        with self._pending_lock:
            waiting = []
            for playback, samples in self._pending:
                if playback.heard_from is not None:
                    self.timeline.place(samples, playback.heard_from)
                    self.delay.restart(playback.heard_from)
                elif not playback.done:
                    waiting.append((playback, samples))
            self._pending = waiting

    def filter(self, samples: FloatArray, captured: float) -> FloatArray:
        """Microphone ``samples`` captured from time ``captured``, minus the echo.

        As many samples come out as went in; with blocks that are not whole
        frames the output runs one frame (10 ms) behind.
        """
        self._place_started()
        if not self._primed:
            self._primed = True
            if len(samples) % self.frame:
                self._out = np.zeros(self.frame, dtype=np.float32)
        expected = self._carry_time + len(self._carry) / self.rate
        if abs(captured - expected) > RESYNC:
            self._carry_time = captured - len(self._carry) / self.rate
        else:
            captured = expected
        self.delay.push(samples, captured)
        if self.delay.moves != self._moves:
            self._moves = self.delay.moves
            self._apm = self._fresh()
        carry = np.concatenate([self._carry, samples.astype(np.float32)])
        done: list[FloatArray] = [self._out]
        start = 0
        while len(carry) - start >= self.frame:
            at = self._carry_time + start / self.rate
            reference = self.timeline.take(at - self.delay.seconds + REFERENCE_LEAD, self.frame)
            self._apm.process_reverse_stream(_pcm16(reference))
            cleaned = self._apm.process_stream(_pcm16(carry[start : start + self.frame]))
            frame = np.frombuffer(cleaned, dtype="<i2").astype(np.float32) / 32768.0
            if not self.delay.settled and self.timeline.playing(at, MAX_LAG):
                frame *= HOLD_GAIN
            done.append(frame)
            start += self.frame
        self._carry = carry[start:]
        self._carry_time += start / self.rate
        out = np.concatenate(done)
        self._out = out[len(samples) :]
        return out[: len(samples)]


class CancelledPlayback:
    """A prompt playing through ``CancellingOutput``: a stop is noted on the timeline."""

    def __init__(self, inner: SoundDevicePlayback, canceller: EchoCanceller) -> None:
        self._inner = inner
        self._canceller = canceller

    @property
    def done(self) -> bool:
        return self._inner.done

    @property
    def played_seconds(self) -> float:
        return self._inner.played_seconds

    def stop(self) -> float:
        played = self._inner.stop()
        self._canceller.stopped(time.monotonic())
        return played

    def wait(self, timeout: float | None = None) -> bool:
        return self._inner.wait(timeout)


class CancellingOutput:
    """``SoundDeviceOutput`` that tells the canceller what it plays."""

    def __init__(self, inner: SoundDeviceOutput, canceller: EchoCanceller) -> None:
        self.inner = inner
        self.rate = inner.rate
        self._canceller = canceller

    def play(self, audio: Audio) -> CancelledPlayback:
        playback = self.inner.play(audio)
        self._canceller.played(playback, audio)
        return CancelledPlayback(playback, self._canceller)


class CancellingInput:
    """``SoundDeviceInput`` whose blocks come through the canceller."""

    def __init__(self, inner: SoundDeviceInput, canceller: EchoCanceller) -> None:
        if inner.rate != canceller.rate:
            raise AudioDeviceError(
                f"echo cancellation runs at {canceller.rate} Hz, the microphone at {inner.rate}"
            )
        self.inner = inner
        self._canceller = canceller

    @property
    def rate(self) -> int:
        return self.inner.rate

    @property
    def block_size(self) -> int:
        return self.inner.block_size

    def start(self, on_block: BlockCallback, on_end: EndCallback) -> None:
        inner, canceller = self.inner, self._canceller

        def block(audio: Audio) -> None:
            captured = inner.block_time
            if captured is None:  # not from a PortAudio callback: take it as just captured
                captured = time.monotonic() - len(audio.samples) / audio.rate
            on_block(Audio(canceller.filter(audio.samples, captured), audio.rate))

        inner.start(block, on_end)

    def stop(self) -> None:
        self.inner.stop()
