"""The second digits model (TIDIGITS, Debian's pocketsphinx-testdata): finding it,
when it is asked, how opinions combine, and what it is worth on real FSDD digits
(CC BY-SA 4.0, Free Spoken Digit Dataset and its contributors)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ivr.asr import digits_fusion, digits_model
from ivr.asr.espeak_corpus import IVR_PHRASES, espeak_available, speak
from ivr.asr.recognizer import EngineError, Grammar, digits_grammar, recognize
from ivr.audio.pcm import read_wav

DIGITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
VOCABULARY = frozenset([*DIGITS, "oh"])
installed = pytest.mark.skipif(
    not digits_model.DEFAULT_DIR.is_dir(), reason="pocketsphinx-testdata not installed"
)


def test_a_phrase_both_models_proposed_beats_a_better_score_from_one() -> None:
    chosen = digits_fusion.combine([{"two": -1.0, "zero": -1.2}, {"zero": -3.0, "three": -0.1}])
    assert chosen == "zero"


def test_among_phrases_both_proposed_the_summed_score_wins() -> None:
    chosen = digits_fusion.combine([{"six": -1.0, "seven": -1.1}, {"six": -2.0, "seven": -1.5}])
    assert chosen == "seven"


def test_one_model_alone_decides_when_the_other_proposed_nothing() -> None:
    assert digits_fusion.combine([{"four": -2.0, "five": -1.0}, {}]) == "five"


def test_no_proposals_give_no_phrase() -> None:
    assert digits_fusion.combine([{}, {}]) is None


@pytest.mark.parametrize(
    ("opinions", "expected"),
    [
        ([{"six": -1.0}, {"six": -2.0}], "six"),
        ([{"six": -1.0}, {"six": -2.0, "seven": -3.0}], None),  # a rival path survived
        ([{"six": -1.0}, {"seven": -2.0}], None),  # the models disagree
        ([{"six": -1.0}, {}], None),  # one model heard nothing
        ([], None),
    ],
)
def test_unanimous_only_when_every_list_names_the_same_phrase_alone(
    opinions: list[dict[str, float]], expected: str | None
) -> None:
    assert digits_fusion.unanimous(opinions) == expected


def test_exact_ties_do_not_depend_on_order() -> None:
    a = digits_fusion.combine([{"one": -1.0}, {"two": -1.0}])
    b = digits_fusion.combine([{"two": -1.0}, {"one": -1.0}])
    assert a == b


@pytest.mark.parametrize(
    ("grammar", "expected"),
    [
        (digits_grammar(), True),
        (Grammar(["one", "two", "three"]), True),
        (Grammar(["one", "fire"]), False),
        (Grammar(["one two"]), False),
    ],
)
def test_only_single_digit_grammars_ask_the_digits_model(grammar: Grammar, expected: bool) -> None:
    assert digits_fusion.single_digits(grammar) is expected


def test_none_in_the_environment_turns_it_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(digits_model.ENV, "none")
    assert digits_model.find() is None


def test_a_configured_folder_that_is_absent_is_an_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(digits_model.ENV, str(tmp_path / "nowhere"))
    with pytest.raises(EngineError) as info:
        digits_model.find()
    assert info.value.message == f"{digits_model.ENV}={tmp_path / 'nowhere'}: no such folder"


def test_an_incomplete_folder_names_the_missing_file(tmp_path: Path) -> None:
    (tmp_path / "hmm").mkdir()
    (tmp_path / "hmm" / "feat.params").write_text("-feat s2_4x\n")
    with pytest.raises(EngineError) as info:
        digits_model.find(tmp_path)
    assert info.value.message == f"digits model file missing or empty: {tmp_path / 'hmm' / 'mdef'}"
    assert "pocketsphinx-testdata" in (info.value.hint or "")


@installed
def test_the_installed_model_is_found_with_its_vocabulary(tmp_path: Path) -> None:
    copy = tmp_path / "tidigits"
    shutil.copytree(digits_model.DEFAULT_DIR / "hmm", copy / "hmm")
    shutil.copytree(digits_model.DEFAULT_DIR / "lm", copy / "lm")
    assert digits_model.find(copy) == copy
    assert digits_model.vocabulary(copy) == VOCABULARY


@pytest.fixture(scope="module")
def pair():  # type: ignore[no-untyped-def]
    pytest.importorskip("pocketsphinx")
    if not digits_model.DEFAULT_DIR.is_dir():
        pytest.skip("pocketsphinx-testdata not installed")
    from ivr.asr.pocketsphinx_engine import PocketsphinxRecognizer

    # Without Moonshine's say on both sides: this measures the TIDIGITS model alone.
    return (
        digits_fusion.DigitsFusion(
            PocketsphinxRecognizer(partials=False),
            PocketsphinxRecognizer.digits(digits_model.DEFAULT_DIR),
        ),
        PocketsphinxRecognizer(partials=False),
    )


@pytest.mark.engine
def test_the_digits_model_wins_real_digits_from_accented_speakers(pair, fsdd: Path) -> None:  # type: ignore[no-untyped-def]
    with_it, without = pair
    grammar = digits_grammar(allow_unknown=False, with_oh=False)
    files = sorted(fsdd.glob("*_george_*.wav")) + sorted(fsdd.glob("*_nicolas_*.wav"))
    assert len(files) == 200
    right = {"with": 0, "without": 0}
    for path in files:
        audio = read_wav(path)
        expected = DIGITS[int(path.name[0])]
        right["with"] += recognize(with_it, audio, grammar).text == expected
        right["without"] += recognize(without, audio, grammar).text == expected
    # Measured with three noise seeds: 167/164/167 with it, 155/151/155 without.
    assert right["with"] >= right["without"] + 4, right


@pytest.mark.engine
@pytest.mark.skipif(not espeak_available(), reason="espeak-ng absent")
def test_synthesized_digits_still_heard_and_other_grammars_left_alone(pair) -> None:  # type: ignore[no-untyped-def]
    with_it, _ = pair
    right = 0
    for digit in DIGITS:
        right += recognize(with_it, speak(digit, "en-us", 160), digits_grammar()).text == digit
        assert with_it.last_digits_model
    assert right >= 9, right
    result = recognize(with_it, speak("police", "en-us", 160), Grammar(IVR_PHRASES))
    assert result.text == "police"
    assert not with_it.last_digits_model


@pytest.mark.engine
def test_a_synthetic_caller_never_gets_the_digits_model() -> None:
    pytest.importorskip("pocketsphinx")
    from ivr.asr.pocketsphinx_engine import PocketsphinxRecognizer
    from ivr.asr.registry import open_recognizer

    rec = open_recognizer("pocketsphinx", adaptation="espeak-ng", free_speech=False)
    assert isinstance(rec, PocketsphinxRecognizer)


@installed
@pytest.mark.engine
def test_the_digits_model_knows_only_digits_and_needs_a_grammar() -> None:
    pytest.importorskip("pocketsphinx")
    from ivr.asr.pocketsphinx_engine import PocketsphinxRecognizer

    rec = PocketsphinxRecognizer.digits(digits_model.DEFAULT_DIR)
    assert rec.unknown_words(["four", "oh", "police"]) == ["police"]
    with pytest.raises(EngineError) as info:
        rec.start(None)
    assert info.value.message == f"the digits model in {digits_model.DEFAULT_DIR} needs a grammar"
