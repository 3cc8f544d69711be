"""``ivr run --voice`` on the virtual devices with no device named, as a person
tries it: the caller's "yes" said over the question that is still playing.

It was heard at confidence 0.00: PulseAudio's default source was the first one
it made, ``ivrspk.monitor``, the menu's own speaker, so the call never heard
the caller at all, only its own question ("... Say yes or press 1 ..."), which
cut itself short (barge-in by its own voice) and was then recognised as
whatever grammar phrase came nearest. The virtual devices now make the caller's
line the default source, as a phone's microphone is the caller's mouth.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from ivr.audio.pcm import Audio
from ivr.audio.resample import resample
from ivr.audio.streams import SoundDeviceOutput
from ivr.defaults import YES_WORDS
from ivr.live.build import LiveOptions, build_live_call
from ivr.live.inputs import Key
from ivr.loader import load_menu
from ivr.session import Session
from tests.live.displays import ListDisplay

from .test_live_call_devices import wait_for
from .virtual_devices import VirtualAudio

pytestmark = [pytest.mark.audio_device, pytest.mark.engine]

RATE = 16000
NORWAY = Path(__file__).resolve().parents[2] / "menus" / "norway.yaml"


def test_a_yes_said_over_the_playing_question_is_heard_on_the_default_devices(
    virtual_audio: VirtualAudio, say: Callable[..., Audio]
) -> None:
    pytest.importorskip("pyttsx3")
    pytest.importorskip("pocketsphinx")
    yes = resample(say("yes", "en-us+m3"), RATE)
    options = LiveOptions(engine="pocketsphinx")  # no device named: the defaults
    parts = build_live_call(Session(load_menu(NORWAY)), ListDisplay(), options)
    assert parts.listener is not None and parts.call.player is not None, parts.notes
    call, session = parts.call, parts.call.session
    parts.listener.start()
    thread = threading.Thread(target=call.run, args=(parts.inbox,), daemon=True)
    thread.start()
    try:
        assert wait_for(lambda: call.playing is not None, 30), "no welcome started"
        parts.inbox.put(Key("0"))  # the operator, which the menu confirms first
        asking = wait_for(lambda: session.state.mode == "confirm" and call.playing is not None, 30)
        assert asking, call.display.lines  # type: ignore[attr-defined]
        time.sleep(0.5)  # into "Did you say operator? Say yes or press 1. ..."
        SoundDeviceOutput("callerline", device_rate=RATE).play(yes).wait()
        wait_for(lambda: session.ended, 20)
    finally:
        parts.listener.stop()
        thread.join(timeout=60)
    shown = [line for line in call.display.lines if line.startswith(("IVR", "CALLER"))]  # type: ignore[attr-defined]
    # Its own question cut itself within 0.15 s and was heard as "yep" or "repeat";
    # the caller's voice reaches the line 0.5 s into the question at the earliest.
    assert [b.by for b in call.barge_ins] == ["key", "speech"], shown
    assert call.barge_ins[1].played_seconds >= 0.45, (call.barge_ins, shown)
    said = [line.removeprefix("CALLER ") for line in shown if line.startswith("CALLER")]
    assert said[0] == "0" and len(said) == 2, shown
    # the words alone when the recogniser was sure, else "heard 'yes', not sure"
    heard = re.fullmatch(r"(?:heard ')?(.+?)(?:', not sure.*)?", said[1])
    assert heard is not None and heard.group(1) in YES_WORDS["en"], shown
    assert session.route is not None and session.route.number == "112", shown
