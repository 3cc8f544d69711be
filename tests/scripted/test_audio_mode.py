"""Audio mode plumbing with fakes: grammar per node, caller voice, noise, said vs heard."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pytest

from ivr.audio.pcm import Audio
from ivr.calls import Hearing, Recognised
from ivr.loader import load_menu
from ivr.model import Menu
from ivr.scripted.audio import caller_voice_for, make_audio_hearing
from ivr.scripted.callfile import load_call_file
from ivr.scripted.model import ScriptedCall
from ivr.scripted.report import failure_text
from ivr.scripted.runner import ERROR, FAIL, PASS, run_loaded
from ivr.session import Session
from ivr.tts.speaker import VoiceInfo, VoiceSettings
from tests.scripted.conftest import NORWAY

# the recordings below are tones: only the energy VAD takes them for speech
pytestmark = pytest.mark.usefixtures("energy_vad")


class FakeSpeaker:
    """Says every text as one second of a 220 Hz tone: loud enough for the front end's
    end-of-speech detector, and with nothing above 2 kHz but what noise brings."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, VoiceSettings]] = []

    def synthesize(self, text: str, settings: VoiceSettings) -> Audio:
        self.calls.append((text, settings))
        t = np.arange(22050) / 22050
        return Audio((0.25 * np.sin(2 * np.pi * 220 * t)).astype(np.float32), 22050)

    def voices(self) -> list[VoiceInfo]:
        return []


class FakeRecognizer:
    def __init__(self, answer: str) -> None:
        self.answer = answer
        self.seen: list[tuple[Audio, list[str], str]] = []

    def recognize(self, audio: Audio, phrases: Sequence[str], lang: str) -> tuple[str, float]:
        self.seen.append((audio, list(phrases), lang))
        return self.answer, 0.9


def mishearing(wrong: dict[str, str]) -> Callable[[Menu, Session, ScriptedCall], Hearing]:
    def factory(menu: Menu, session: Session, call: ScriptedCall) -> Hearing:
        def hear(said: str) -> tuple[str, float]:
            return wrong.get(said, said), 0.8

        return hear

    return factory


def test_a_misheard_word_fails_and_the_report_shows_said_and_heard(
    write_calls: Callable[..., Path],
) -> None:
    path = write_calls(
        "calls:\n  - name: x\n    audio: true\n    steps:\n      - say: fire\n"
        "      - expect_route: '110'\n"
    )
    (outcome,) = run_loaded(load_call_file(path), hearing_factory=mishearing({"fire": "police"}))
    assert outcome.status == FAIL
    text = failure_text(outcome)
    assert '    said "fire" -> heard "police" (0.80)' in text
    assert 'CALLER  said "fire", heard "police" (0.80)' in text
    assert "got:      routed to 112 (the police)" in text


def test_expect_heard_checks_the_last_recognition(write_calls: Callable[..., Path]) -> None:
    path = write_calls(
        "calls:\n  - name: x\n    audio: true\n    steps:\n      - say: emergency\n"
        "      - expect_heard: emergency\n      - expect_node: emergency\n"
    )
    (outcome,) = run_loaded(load_call_file(path), hearing_factory=mishearing({}))
    assert outcome.status == PASS
    assert [(h.said, h.heard) for h in outcome.heard] == [("emergency", "emergency")]


def test_audio_calls_without_engines_are_a_clear_error(
    write_calls: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import ivr.scripted.audio as audio

    def missing(menu: Menu, lang: str, synthetic_caller: bool = True) -> object:
        raise audio.AudioUnavailableError(
            "audio calls need the speech recogniser package "
            "ivr.asr, which cannot be imported (gone)"
        )

    monkeypatch.setattr(audio, "_default_recognizer", missing)
    monkeypatch.setattr(audio, "_default_speaker", lambda: FakeSpeaker())
    path = write_calls("calls:\n  - name: x\n    audio: true\n    steps:\n      - say: fire\n")
    (outcome,) = run_loaded(load_call_file(path))
    assert outcome.status == ERROR and outcome.unavailable
    assert outcome.error == (
        "audio calls need the speech recogniser package ivr.asr, which cannot be imported (gone)"
    )


def test_the_recogniser_gets_the_current_nodes_grammar_and_a_distinct_voice() -> None:
    menu = load_menu(NORWAY)
    session = Session(menu)
    session.start()
    speaker, recognizer = FakeSpeaker(), FakeRecognizer("emergency")
    hear = make_audio_hearing(
        menu,
        session.grammar,
        lang="en",
        speaker=speaker,
        recognizer=recognizer,
        noise_db=10,
        seed=3,
    )
    assert hear("emergency") == Recognised("emergency", 0.9)
    audio, phrases, lang = recognizer.seen[0]
    assert lang == "en" and audio.rate == 16000
    assert "chest pain" in phrases  # main searches the whole tree
    assert "repeat" in phrases
    assert speaker.calls[0][1].voice != menu.voices["en"].voice
    power = np.abs(np.fft.rfft(audio.samples)) ** 2
    high = power[np.fft.rfftfreq(len(audio.samples), 1 / 16000) > 2000].sum() / power.sum()
    assert high > 0.01  # noise was mixed in (the fake speech has nothing above 2 kHz)


def test_grammar_follows_the_call_to_confirmations_and_digit_entry() -> None:
    menu = load_menu(NORWAY)
    session = Session(menu)
    session.start()
    assert "chest pain" in session.grammar()
    from ivr.events import KeyPress

    session.send(KeyPress("0"))
    session.settle()
    confirm = session.grammar()
    assert "yes" in confirm and "no" in confirm and "chest pain" not in confirm
    session.send(KeyPress("2"))
    session.send(KeyPress("4"))
    session.send(KeyPress("5"))
    session.settle()
    assert session.state.node == "dial"
    assert {"one", "seven", "back", "main menu"} <= set(session.grammar())


def test_caller_voice_differs_from_the_menu_voice() -> None:
    assert caller_voice_for("gmw/en", "en") == "gmw/en-us+f3"
    assert caller_voice_for("gmq/nb", "nb") == "gmq/nb+f3"
    assert caller_voice_for("gmq/nb+f3", "nb") == "gmq/nb+m3"


NO_FREE = (
    "Spoken descriptions need a free-speech recogniser (pip install 'ivr[neural]'); "
    "keys and the menu's own words still work."
)


def test_a_description_node_is_heard_as_free_speech_and_a_missing_transcriber_noted_once() -> None:
    from ivr.events import KeyPress

    class Ear:
        transcribes = False

        def __init__(self) -> None:
            self.free: list[bool] = []

        def recognize(
            self, audio: Audio, phrases: Sequence[str], lang: str, free: bool = False
        ) -> Recognised:
            self.free.append(free)
            return Recognised("", 0.0)

    menu = load_menu(NORWAY)
    session = Session(menu)
    session.start()
    ear, notes = Ear(), list[str]()
    hear = make_audio_hearing(
        menu,
        session.grammar,
        lang="en",
        speaker=FakeSpeaker(),
        recognizer=ear,
        node_free=lambda: session.free_speech,
        notice=notes.append,
    )
    hear("my dad has chest pain")
    hear("my dad has chest pain")
    session.send(KeyPress("4"))
    session.settle()
    hear("police")
    assert ear.free == [True, True, False]
    assert notes == [NO_FREE]


def test_the_asr_adapter_passes_free_and_reports_the_source() -> None:
    from ivr.asr.recognizer import Grammar, Partial, Result, Source
    from ivr.scripted.audio import _AsrRecognizer

    class Engine:
        name = "fake"
        sample_rate = 16000
        transcribes = True

        def __init__(self) -> None:
            self.grammars: list[Grammar | None] = []
            self.rates: set[int] = set()

        def start(self, grammar: Grammar | None) -> None:
            self.grammars.append(grammar)

        def feed(self, chunk: Audio) -> Partial | None:
            self.rates.add(chunk.rate)
            return None

        def finish(self) -> Result:
            grammar = self.grammars[-1]
            if grammar is not None and grammar.free:
                return Result("my dad has chest pain", 0.7, source=Source.TRANSCRIPT)
            return Result("police", 0.9)

        def unknown_words(self, words: Sequence[str]) -> list[str]:
            return []

    engine = Engine()
    adapter = _AsrRecognizer(engine)
    clip = Audio(np.zeros(8000, np.float32), 8000)
    got = adapter.recognize(clip, ["police", "fire"], "en", free=True)
    assert (got.text, got.confidence, got.source) == ("my dad has chest pain", 0.7, "transcript")
    got = adapter.recognize(clip, ["police", "fire"], "en")
    assert (got.text, got.source) == ("police", "grammar")
    assert [g.free for g in engine.grammars if g is not None] == [True, False]
    assert engine.rates == {16000}  # resampled to the engine's rate
    assert adapter.transcribes is True  # the engine says so
