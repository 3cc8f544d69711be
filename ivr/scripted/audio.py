"""Audio mode: the caller's words are spoken, maybe noised, and recognised; and
recordings played into a call.

A text call tests the menu's logic; an audio call also tests whether the
menu's phrases survive a synthetic voice, a noisy line and a real recogniser.
The caller speaks with a voice distinct from the menu's (the same voice would
flatter the recogniser), and the recogniser listens with the grammar of the
node the call is at, as a deployed menu would. At a node that takes a
described need (``Session.free_speech``) the grammar says so (``free``), and a
recogniser that can transcribe may answer with what was said.

A recording (``--play``, a call file's ``play:``) is a human caller: it is
heard by the menu's own engine without the espeak-ng adaptation.

Both go through the audio front end a live call uses (``ivr.audio.frontend``:
end of speech by the live detector, level), so a recording is heard here as
``ivr listen`` and a live call hear it.

The speech packages are imported only when an audio call is made, so text
calls never need numpy, espeak-ng or a recogniser.
"""

from __future__ import annotations

import importlib
import logging
import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from ivr.calls import GRAMMAR, Hearing, Playing, Recognised, recognised
from ivr.errors import IvrError
from ivr.model import Menu
from ivr.scripted.audio_errors import AudioUnavailableError

if TYPE_CHECKING:
    from ivr.audio.pcm import Audio
    from ivr.tts.speaker import Speaker

log = logging.getLogger(__name__)

PAD_SECONDS = 0.3  # silence around the utterance, as on a real line (noise is mixed in it)
CALLER_RATE = 150  # words per minute: a little slower than the menu's voices


#: Where a front end shows a line of its own (not the menu's, not the caller's).
Notice = Callable[[str], None]


@runtime_checkable
class Recognizer(Protocol):
    """Turns caller audio into what was heard, listening for ``phrases`` only.

    At a node that takes a described need it is called with ``free=True`` (only
    then, so a recogniser without the keyword still serves every other node).
    A ``transcribes`` attribute, when present, says whether it can answer
    such a node with a free transcript.
    """

    def recognize(
        self, audio: Audio, phrases: Sequence[str], lang: str
    ) -> Recognised | tuple[str, float]: ...


def menu_voice(menu: Menu, lang: str) -> str:
    voice = menu.voices.get(lang)
    if voice is not None:
        return voice.voice
    from ivr.tts.speaker import default_voice

    return default_voice(lang)


def caller_voice_for(menu_voice_id: str, lang: str) -> str:
    """A voice clearly unlike the menu's: another accent or variant of the same language."""
    base = menu_voice_id.partition("+")[0]
    candidate = "gmw/en-us+f3" if lang == "en" and base != "gmw/en-us" else f"{base}+f3"
    if candidate == menu_voice_id:
        candidate = f"{base}+m3"
    return candidate


class _Ear:
    """Hears one utterance at the node a call is at, and says once per call when
    a node takes a described need that nothing here can transcribe."""

    def __init__(
        self,
        recognizer: Recognizer,
        node_grammar: Callable[[], Sequence[str]],
        node_free: Callable[[], bool] | None,
        lang: str,
        notice: Notice | None,
    ) -> None:
        self.recognizer = recognizer
        self.node_grammar = node_grammar
        self.node_free = node_free
        self.lang = lang
        self.notice = notice
        self.noted = False

    def __call__(self, audio: Audio) -> Recognised:
        """What is heard of ``audio`` (a line with the caller's words on it), prepared
        by the front end; nothing, without asking the recogniser, when it holds no speech."""
        from ivr.audio.frontend import prepare_clip

        phrases = list(self.node_grammar())
        free = self.node_free() if self.node_free is not None else False
        if free:
            self._check_free()
        prepared = prepare_clip(audio)
        if prepared is None:
            return Recognised("", 0.0)
        if free:
            heard = self.recognizer.recognize(prepared, phrases, self.lang, free=True)  # type: ignore[call-arg]
        else:
            heard = self.recognizer.recognize(prepared, phrases, self.lang)
        return recognised(heard)

    def _check_free(self) -> None:
        if self.noted or self.notice is None:
            return
        self.noted = True
        if not hears_free_speech(self.recognizer, self.lang):
            from ivr.asr.listen import NO_FREE_SPEECH

            self.notice(NO_FREE_SPEECH)


def hears_free_speech(recognizer: object, lang: str) -> bool:
    """Whether ``recognizer`` can answer a described need with what was said."""
    said = getattr(recognizer, "transcribes", None)
    if isinstance(said, bool):
        return said
    from ivr.asr.listen import free_speech_available

    return free_speech_available(None, lang)


def make_audio_hearing(
    menu: Menu,
    node_grammar: Callable[[], Sequence[str]],
    *,
    lang: str,
    noise_db: float | None = None,
    caller_voice: str | None = None,
    seed: int = 0,
    speaker: Speaker | None = None,
    recognizer: Recognizer | None = None,
    node_free: Callable[[], bool] | None = None,
    notice: Notice | None = None,
) -> Hearing:
    """A ``Hearing`` that speaks the caller's words and recognises them.

    ``node_grammar`` (and ``node_free``, whether the node takes a described
    need) is asked at each utterance, because the grammar changes as the call
    moves through the menu. ``speaker`` and ``recognizer`` default to the real
    engines (``ivr.tts``, ``ivr.asr``), loaded here and only here. ``notice``
    is told once when a node takes a described need nobody here can transcribe.
    """
    from ivr.audio.frontend import LINE_RATE
    from ivr.audio.pcm import concat, mix_noise, silence
    from ivr.audio.resample import resample

    synthetic = speaker is None
    if speaker is None:
        speaker = _default_speaker()
    if recognizer is None:
        recognizer = _default_recognizer(menu, lang, synthetic_caller=synthetic)
    from ivr.tts.speaker import EngineUnavailableError, VoiceSettings

    voice = caller_voice or caller_voice_for(menu_voice(menu, lang), lang)
    settings = VoiceSettings(voice=voice, rate=CALLER_RATE)
    ear = _Ear(recognizer, node_grammar, node_free, lang, notice)
    turn = 0

    def hearing(said: str) -> Recognised:
        nonlocal turn
        turn += 1
        try:
            spoken = resample(speaker.synthesize(said, settings), LINE_RATE)
        except EngineUnavailableError as exc:
            raise AudioUnavailableError(
                f"audio calls need a speech synthesiser: {exc}",
                "run the calls in text mode (drop audio: true / --audio)",
            ) from None
        pad = silence(PAD_SECONDS, LINE_RATE)
        line = concat([pad, spoken, pad])
        if noise_db is not None:
            line = mix_noise(line, noise_db, seed=seed + turn)
        heard = ear(line)
        log.info(
            "caller said %r, recogniser heard %r (%.2f, %s)",
            said,
            heard.text,
            heard.confidence,
            heard.source,
        )
        return heard

    return hearing


def make_recording_hearing(
    menu: Menu,
    node_grammar: Callable[[], Sequence[str]],
    *,
    lang: str,
    node_free: Callable[[], bool] | None = None,
    recognizer: Recognizer | None = None,
    notice: Notice | None = None,
    folder: str | None = None,
) -> Playing:
    """A ``Playing``: a recording heard as the caller's next utterance.

    The file is read (``ivr.audio.files.read_audio``: any WAV, FLAC, OGG; bad
    files are one-line ``AudioError`` errors), prepared by the audio front end as
    a live call would hear it, and heard with the node's grammar.
    ``recognizer`` defaults to the menu's engine for the call's language,
    unadapted: recordings are people, not espeak-ng. A relative path is taken
    from ``folder`` when given (a call file's folder).
    """
    from ivr.audio.files import read_audio

    if recognizer is None:
        recognizer = _default_recognizer(menu, lang, synthetic_caller=False)
    ear = _Ear(recognizer, node_grammar, node_free, lang, notice)

    def playing(path: str) -> Recognised:
        full = os.path.join(folder, path) if folder is not None else path
        heard = ear(read_audio(full))
        log.info(
            "recording %s heard as %r (%.2f, %s)", path, heard.text, heard.confidence, heard.source
        )
        return heard

    return playing


def _default_speaker() -> Speaker:
    """The synthetic caller speaks through the espeak-ng command line: repeatable to
    the sample, so a test call hears the same thing on every run."""
    try:
        from ivr.tts.espeak_cli import EspeakCliSpeaker

        return EspeakCliSpeaker()
    except ImportError as exc:
        raise AudioUnavailableError(
            f"audio calls need the text-to-speech package ivr.tts, which cannot be imported "
            f"({exc})",
            "run the calls in text mode (drop audio: true / --audio) or install ivr[tts]",
        ) from None
    except IvrError as exc:
        raise AudioUnavailableError(
            f"audio calls need espeak-ng: {exc}", "apt-get install espeak-ng"
        ) from None


def _default_recognizer(menu: Menu, lang: str, synthetic_caller: bool = True) -> Recognizer:
    """The menu's configured engine (``ivr.asr.open_recognizer``), a fresh one per call.

    Engines adapt to what they heard before (noise estimates), so sharing one
    between calls would make a call's result depend on the calls run before it.

    The default caller is espeak-ng, so pocketsphinx listens with its espeak-ng
    adaptation: without it, a third of the menu's phrases spoken by a female
    espeak voice were misheard by the model trained on human speech, and a
    test call would fail on the recogniser, not on the menu (bench/bench_asr.py).

    A missing engine or model for the call's language makes the call
    unavailable (skipped by pytest, an error in ``ivr test``), not failed.
    """
    try:
        asr = importlib.import_module("ivr.asr")
    except ImportError as exc:
        raise AudioUnavailableError(
            f"audio calls need the speech recogniser package ivr.asr, which cannot be imported "
            f"({exc})",
            "run the calls in text mode (drop audio: true / --audio) or install ivr[asr]",
        ) from None
    try:
        engine = asr.open_recognizer(
            menu.engine, language=lang, adaptation="espeak-ng" if synthetic_caller else None
        )
    except asr.EngineError as exc:
        raise AudioUnavailableError(
            f"no speech recogniser for language {lang!r}: {exc}",
            "install the engine or model, or run the calls in text mode",
        ) from None
    except ImportError as exc:
        log.warning("speech engine %r could not be imported: %s", menu.engine, exc)
        raise AudioUnavailableError(
            f"the speech engine {menu.engine!r} cannot be imported ({exc})",
            "install ivr[asr], or run the calls in text mode",
        ) from None
    return _AsrRecognizer(engine, lang)


class _AsrRecognizer:
    """Adapts an ``ivr.asr`` streaming recogniser to one-shot ``recognize``.

    Menu phrases may hold words a recogniser's dictionary lacks, or digits a
    grammar cannot take; those phrases are left out of the grammar (logged),
    since the caller can still be heard saying the others.
    """

    def __init__(self, engine: Any, lang: str = "en") -> None:
        self.engine = engine
        self.lang = lang
        self._grammars: dict[tuple[tuple[str, ...], bool], Any] = {}

    @property
    def transcribes(self) -> bool:
        from ivr.asr.listen import free_speech_available

        return free_speech_available(self.engine, self.lang)

    def _grammar(self, phrases: Sequence[str], free: bool) -> Any:
        key = (tuple(phrases), free)
        if key in self._grammars:
            return self._grammars[key]
        from ivr.asr.recognizer import usable_grammar

        grammar = usable_grammar(phrases, self.engine, free=free)
        self._grammars[key] = grammar
        return grammar

    def recognize(
        self, audio: Audio, phrases: Sequence[str], lang: str, free: bool = False
    ) -> Recognised:
        from ivr.asr import recognize

        result = recognize(self.engine, audio, self._grammar(phrases, free))
        source = getattr(getattr(result, "source", None), "value", GRAMMAR)
        return Recognised(result.text, float(result.confidence), str(source), result.runners_up)
