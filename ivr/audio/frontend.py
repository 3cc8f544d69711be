"""The one audio front end: how a caller's audio becomes what a recogniser hears.

A clip used to be heard one way by ``ivr listen`` (the whole file), another by
``ivr call --play`` (the whole file padded with 0.3 s of silence) and a third by
a live call (what the end-of-speech detector cut from the line), so the same
recording could be "ambulance" live and nothing offline. Every path now
prepares audio here, in the same steps, so a clip gives the same text and
confidence whichever way it reached the recogniser:

1. **mono**: files are mixed down when read (``ivr.audio.files``), devices
   are opened mono;
2. **the line rate**, 16 kHz (``LINE_RATE``): a live source at another rate is
   resampled as a stream (``line_input``), a clip as it is delivered; the one
   resampler gives the same samples either way;
3. **end of speech** by the live call's own detector (``open_capture``): a
   clip is delivered to a ``Capture`` as a microphone would deliver it, after
   a moment of quiet line and followed by the quiet of a line after the caller
   stops (``utterance``); what the detector cuts (with its pre-roll and
   post-roll) is what is heard. A clip in which it finds no speech is heard as
   nothing, as a live call hears nothing;
4. **level**: the utterance's loudest sample is set to ``PEAK`` (``level``);
5. then ``ivr.asr.recognize`` resamples to the recogniser's rate and feeds it
   in 0.1 s chunks, as a line delivers audio.

``prepare_clip`` does 2-4 for a clip, ``prepare_utterance`` 4 for what a live
detector cut. The narrowband decision stays in pocketsphinx, which makes it
from the utterance it is given, so the same utterance gets the same decision
on every path; ``ivr.asr.trim`` is on no path (a transcriber-side cut,
measured and left off).
"""

from __future__ import annotations

import logging

import numpy as np

from ivr.audio.capture import Capture
from ivr.audio.pcm import Audio, concat, silence
from ivr.audio.ports import AudioDeviceError, AudioInput, BlockCallback, EndCallback
from ivr.audio.resample import StreamResampler, resample
from ivr.audio.vad import SpeechDetector, VadConfig, VadKind, open_vad

log = logging.getLogger(__name__)

#: The rate end of speech is decided at: a live call's microphone is opened at it.
LINE_RATE = 16000
#: Where an utterance's loudest sample is put before decoding (-12 dBFS), so a quiet
#: microphone or recording is heard as a loud one is. pocketsphinx pads what it is
#: given with its own -60 dBFS noise, so its answers followed the level: on the 400
#: FSDD digit clips, 81.8% as recorded, 68.0% at -20 dB. Peaks of 0.125, 0.25, 0.5,
#: 0.7 and 0.9 scored 81.5, 80.5, 80.0, 76.5 and 73.5%; 0.25 is mid-way along the
#: flat part and near the recordings' own level (median peak 0.34), and on 40
#: synthesised menu words it heard 36 right (37 at -20 dB) against 32 (33) for the
#: whole clips (``bench/bench_frontend.py``).
PEAK = 0.25
#: Quiet line before a clip: the detector's noise floor starts from it, as live it
#: starts from the line before the caller spoke. A whole number of both detectors'
#: frames (20 ms energy, 32 ms Silero), so the clip's frames fall where a live
#: line's would: a shifted frame edge moves the cut, and the answer with it.
LEAD_SECONDS = 0.64
#: Blocks a clip is delivered in, as a microphone's 20 ms callbacks.
BLOCK_SECONDS = 0.02


class _AtLineRate:
    """``source`` resampled to ``LINE_RATE`` block by block (one stream, no edges)."""

    def __init__(self, source: AudioInput) -> None:
        self.source = source
        self._stream = StreamResampler(source.rate, LINE_RATE)

    @property
    def rate(self) -> int:
        return LINE_RATE

    @property
    def block_size(self) -> int:
        return max(1, round(self.source.block_size * LINE_RATE / self.source.rate))

    def start(self, on_block: BlockCallback, on_end: EndCallback) -> None:
        self._stream = StreamResampler(self.source.rate, LINE_RATE)

        def block(audio: Audio) -> None:
            out = self._stream.push(audio.samples)
            if len(out):
                on_block(Audio(out, LINE_RATE))

        def end(error: AudioDeviceError | None) -> None:
            if error is None:
                tail = self._stream.flush()
                if len(tail):
                    on_block(Audio(tail, LINE_RATE))
            on_end(error)

        self.source.start(block, end)

    def stop(self) -> None:
        self.source.stop()


def line_input(source: AudioInput) -> AudioInput:
    """``source`` at ``LINE_RATE``: itself when it is already there (a microphone is
    opened at it), else resampled as it streams (a fake line, a file at 8 or 44.1 kHz)."""
    return source if source.rate == LINE_RATE else _AtLineRate(source)


def open_capture(
    source: AudioInput,
    vad: VadConfig | None = None,
    *,
    detector: SpeechDetector | None = None,
    kind: VadKind = VadKind.AUTO,
) -> Capture:
    """The end-of-speech detector every path listens through: ``source`` at the line
    rate, cut into utterances. A live call and an offline clip both come here, so a
    change of detector changes both (``kind`` picks it, as ``ivr run --vad`` does, unless
    a ``detector`` for the line rate is given)."""
    if detector is None:
        detector = open_vad(LINE_RATE, vad, kind)
    return Capture(line_input(source), vad, detector=detector)


class _Clip:
    """A finite ``AudioInput``: the clip in 20 ms blocks, delivered at once when started
    (the capture queues them), then the end of input."""

    def __init__(self, audio: Audio) -> None:
        self.audio = audio
        self._block = max(1, round(BLOCK_SECONDS * audio.rate))

    @property
    def rate(self) -> int:
        return self.audio.rate

    @property
    def block_size(self) -> int:
        return self._block

    def start(self, on_block: BlockCallback, on_end: EndCallback) -> None:
        samples, size = self.audio.samples, self._block
        for begin in range(0, len(samples), size):
            on_block(Audio(samples[begin : begin + size], self.audio.rate))
        on_end(None)

    def stop(self) -> None:
        """Nothing runs after ``start`` returns."""


def utterance(
    audio: Audio, vad: VadConfig | None = None, kind: VadKind = VadKind.AUTO
) -> Audio | None:
    """What a live call would hear of ``audio``: the speech the detector cuts from it,
    at ``LINE_RATE``; ``None`` when it finds none.

    The clip is followed by the quiet a line has once the caller stops (long
    enough for the detector to end the utterance on silence, as it would live),
    so a clip that ends on the last syllable is not heard short. A clip with
    pauses longer than the detector's trailing silence (or speech longer than
    its longest utterance) holds several utterances, which a live call would
    hear one by one; here they are heard as one, joined in order (each with its
    pre-roll and post-roll), since a recording is one turn of the caller's. ``kind``
    picks the detector as a live call's ``--vad`` does (the trained one when it runs).
    """
    config = vad or VadConfig()
    quiet = config.trailing_silence + config.post_roll + 2 * config.frame_seconds
    clip = _Clip(concat([silence(LEAD_SECONDS, audio.rate), audio, silence(quiet, audio.rate)]))
    parts = [u.audio for u in open_capture(clip, config, kind=kind).utterances()]
    if not parts:
        log.info("no speech found in %.2f s of audio", audio.seconds)
        return None
    if len(parts) > 1:
        log.info("%d utterances in one clip, heard as one", len(parts))
    return Audio(np.concatenate([p.samples for p in parts]), LINE_RATE)


def level(audio: Audio) -> Audio:
    """``audio`` with its loudest sample at ``PEAK`` (unchanged when it is silent)."""
    peak = float(np.max(np.abs(audio.samples))) if len(audio.samples) else 0.0
    if peak <= 0.0:
        return audio
    return Audio((audio.samples * (PEAK / peak)).astype(np.float32), audio.rate)


def prepare_utterance(audio: Audio) -> Audio:
    """An utterance the detector cut (live, or from a clip) as the recogniser is given it:
    at ``LINE_RATE``, its level set. ``ivr.asr.recognize`` then decodes it."""
    return level(resample(audio, LINE_RATE))


def prepare_clip(
    audio: Audio, vad: VadConfig | None = None, kind: VadKind = VadKind.AUTO
) -> Audio | None:
    """A recording or a synthetic caller's words as the recogniser is given them: the
    utterance a live call would cut from it (``utterance``), prepared as a live one
    is; ``None`` when there is no speech in it."""
    found = utterance(audio, vad, kind)
    return None if found is None else prepare_utterance(found)
