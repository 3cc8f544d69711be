"""The microphone side of a live call: voice activity detection, then recognition.

Runs on its own thread. The call tells it the grammar of the current node
(from each ``Listen``), including whether the caller may describe a need in
their own words there (``Listen.free``: the recogniser may answer with a
transcript); it reports the input level, the start of speech (for barge-in),
partial results, and each recognised utterance. At the first such node with
nothing here that can transcribe, it says so once (a ``Notice``).

Each utterance the capture cuts is prepared by the one audio front end
(``ivr.audio.frontend.prepare_utterance``) and decoded by ``ivr.asr.recognize_whole``,
as ``ivr listen`` and ``ivr call --play`` prepare and decode a recording; the
capture itself comes from ``ivr.audio.frontend.open_capture``.
"""

from __future__ import annotations

import logging
import queue
import threading
import time

import numpy as np

from ivr.asr.recognizer import (
    EngineError,
    Grammar,
    Recognizer,
    recognize_whole,
    usable_grammar,
)
from ivr.audio.capture import (
    Capture,
    Level,
    SpeechAudio,
    SpeechCancelled,
    SpeechStarted,
    Utterance,
)
from ivr.audio.frontend import prepare_utterance
from ivr.audio.pcm import Audio, FloatArray
from ivr.audio.ports import AudioDeviceError
from ivr.audio.resample import StreamResampler
from ivr.events import Listen
from ivr.live.inputs import (
    Heard,
    InputLost,
    LevelReading,
    LiveInput,
    Notice,
    PartialText,
    SpeechBegan,
    SpeechDropped,
)

log = logging.getLogger(__name__)

PARTIAL_SECONDS = 0.3


class SpeechListener:
    def __init__(
        self,
        capture: Capture,
        recognizer: Recognizer,
        inbox: queue.Queue[LiveInput],
        *,
        free_speech: bool | None = None,
        language: str = "en",
    ) -> None:
        """``free_speech``: whether described needs can be transcribed here (``None``:
        asked of the recogniser, else the engine registry, at the first node that takes one)."""
        self.capture = capture
        self.recognizer = recognizer
        self.inbox = inbox
        self.free_speech = free_speech
        self.language = language
        self._free_noted = False
        self._grammar: Grammar | None = None
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="ivr-listener", daemon=True)
        self._partials_on = False
        self._last_partial = ""
        self._pending: list[FloatArray] = []
        # one stream per utterance: slices resampled apart would click at their edges
        self._stream: StreamResampler | None = None

    def listen(self, item: Listen) -> None:
        """Called by the live call on each ``Listen``: the grammar for what comes next."""
        grammar = usable_grammar(item.phrases, self.recognizer, free=item.free)
        with self._lock:
            self._grammar = grammar
        if item.free and not self._free_noted:
            self._free_noted = True
            if not self._hears_free_speech():
                from ivr.asr.listen import NO_FREE_SPEECH

                self.inbox.put(Notice(NO_FREE_SPEECH))

    def _hears_free_speech(self) -> bool:
        if self.free_speech is None:
            from ivr.asr.listen import free_speech_available

            self.free_speech = free_speech_available(self.recognizer, self.language)
        return self.free_speech

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.capture.stop()
        if self._thread.is_alive():
            self._thread.join(timeout=3.0)

    def _run(self) -> None:
        try:
            for event in self.capture.events():
                if isinstance(event, Level):
                    self.inbox.put(LevelReading(event.dbfs))
                elif isinstance(event, SpeechStarted):
                    self.inbox.put(SpeechBegan())
                    self._start_partials()
                elif isinstance(event, SpeechCancelled):  # the timeout may run again
                    self.inbox.put(SpeechDropped())
                elif isinstance(event, SpeechAudio):
                    self._partial(event.audio)
                elif isinstance(event, Utterance):
                    self._recognise(event.audio)
        except AudioDeviceError as exc:
            log.error("microphone lost: %s", exc)
            self.inbox.put(InputLost("microphone", f"{exc}; keys only from now on"))

    def _start_partials(self) -> None:
        """Decode as the caller speaks, for live feedback; the final result is decoded
        again from the whole utterance (with the audio from before the detected start)."""
        with self._lock:
            grammar = self._grammar
        self._pending = []
        self._stream = None
        try:
            self.recognizer.start(grammar)
            self._partials_on = True
        except EngineError as exc:
            log.warning("no partial results: %s", exc)
            self._partials_on = False

    def _partial(self, block: Audio) -> None:
        if not self._partials_on:
            return
        # Decode in slices of PARTIAL_SECONDS, not per 20 ms block: each call asks the
        # engine for a hypothesis, and doing that 50 times a second starved the
        # audio callbacks (underruns, lost samples).
        self._pending.append(block.samples)
        if sum(len(b) for b in self._pending) < PARTIAL_SECONDS * block.rate:
            return
        samples = np.concatenate(self._pending)
        self._pending = []
        rate = self.recognizer.sample_rate
        if self._stream is None or self._stream.in_rate != block.rate:
            self._stream = StreamResampler(block.rate, rate)
        try:
            partial = self.recognizer.feed(Audio(self._stream.push(samples), rate))
        except EngineError as exc:
            log.warning("partial results stopped: %s", exc)
            self._partials_on = False
            return
        if partial is not None and partial.text and partial.text != self._last_partial:
            self._last_partial = partial.text
            self.inbox.put(PartialText(partial.text))

    def _recognise(self, audio: Audio) -> None:
        self._partials_on = False
        self._last_partial = ""
        with self._lock:
            grammar = self._grammar
        began = time.perf_counter()
        try:
            result = recognize_whole(self.recognizer, prepare_utterance(audio), grammar)
        except EngineError as exc:
            log.error("recogniser failed: %s", exc)
            self.inbox.put(InputLost("recogniser", str(exc)))
            return
        elapsed = time.perf_counter() - began
        source = getattr(getattr(result, "source", None), "value", "grammar")
        self.inbox.put(
            Heard(result.text, result.confidence, audio, elapsed, str(source), result.runners_up)
        )
