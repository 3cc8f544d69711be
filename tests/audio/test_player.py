"""Barge-in on the fake output: prompts stop when a key (or, if enabled, speech) arrives."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from ivr.audio.fakes import FakeClock, FakeOutput
from ivr.audio.pcm import Audio, silence
from ivr.audio.player import PromptPlayer

RATE = 8000


def prompt(seconds: float) -> Audio:
    t = np.arange(round(seconds * RATE)) / RATE
    return Audio((0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32), RATE)


def test_a_key_stops_the_prompt_and_reports_how_far_it_got() -> None:
    output = FakeOutput()
    running = PromptPlayer(output).start(prompt(3.0))
    output.clock.advance(1.2)
    assert running.key_pressed("5") is True
    result = running.wait()
    assert (result.reason, result.key, result.total_seconds) == ("key", "5", 3.0)
    assert result.played_seconds == pytest.approx(1.2)
    assert result.interrupted
    assert result.fraction == pytest.approx(0.4)
    [record] = output.plays
    assert record.stopped_at == pytest.approx(1.2)
    assert record.played_seconds == pytest.approx(1.2)


def test_an_uninterrupted_prompt_plays_to_the_end() -> None:
    output = FakeOutput(FakeClock(start=100.0))
    result = PromptPlayer(output).play(prompt(2.5))
    assert result.reason == "finished"
    assert not result.interrupted
    assert result.fraction == 1.0
    assert output.clock() == pytest.approx(102.5)
    assert output.plays[0].stopped_at is None


def test_only_the_first_key_counts() -> None:
    output = FakeOutput()
    running = PromptPlayer(output).start(prompt(3.0))
    output.clock.advance(0.5)
    assert running.key_pressed("1")
    output.clock.advance(0.5)
    assert running.key_pressed("2") is False
    assert running.wait().key == "1"
    assert running.wait().played_seconds == pytest.approx(0.5)


def test_speech_does_not_cut_the_prompt_unless_enabled() -> None:
    output = FakeOutput()
    running = PromptPlayer(output, barge_in_on_speech=False).start(prompt(2.0))
    output.clock.advance(0.7)
    assert running.speech_started() is False
    assert running.wait().reason == "finished"

    running = PromptPlayer(output, barge_in_on_speech=True).start(prompt(2.0))
    output.clock.advance(0.7)
    assert running.speech_started() is True
    result = running.wait()
    assert (result.reason, result.key) == ("speech", None)
    assert result.played_seconds == pytest.approx(0.7)


def test_a_non_interruptible_prompt_ignores_keys_and_speech() -> None:
    output = FakeOutput()
    running = PromptPlayer(output, barge_in_on_speech=True).start(prompt(2.0), interruptible=False)
    output.clock.advance(1.0)
    assert running.key_pressed("9") is False
    assert running.speech_started() is False
    assert running.wait().reason == "finished"


def test_a_key_after_the_prompt_ended_is_not_a_barge_in() -> None:
    output = FakeOutput()
    running = PromptPlayer(output).start(prompt(1.0))
    output.clock.advance(1.5)
    assert running.done
    assert running.key_pressed("3") is False
    assert running.wait().reason == "finished"


def test_wait_with_a_timeout_stops_the_prompt_there() -> None:
    output = FakeOutput()
    result = PromptPlayer(output).start(prompt(4.0)).wait(timeout=1.5)
    assert result.reason == "stopped"
    assert result.played_seconds == pytest.approx(1.5)


def test_a_key_from_another_thread_cuts_a_waiting_prompt() -> None:
    output = FakeOutput()
    running = PromptPlayer(output).start(prompt(3.0))
    output.clock.advance(0.25)
    presser = threading.Thread(target=running.key_pressed, args=("#",))
    presser.start()
    presser.join(timeout=5)
    assert running.wait().key == "#"
    assert running.wait().played_seconds == pytest.approx(0.25)


def test_an_empty_prompt_counts_as_fully_played() -> None:
    result = PromptPlayer(FakeOutput()).play(silence(0.0, RATE))
    assert result.fraction == 1.0
    assert result.reason == "finished"
