"""Voice settings, default voices and the unknown-voice message (no engine needed)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from ivr.errors import IvrError
from ivr.tts.speaker import (
    UnknownVoiceError,
    VoiceInfo,
    VoiceSettings,
    check_voice,
    default_voice,
    speaks_language,
)
from tests.tts.tts_fakes import FAKE_VOICES


def test_settings_default_to_british_english_at_160_wpm_full_volume() -> None:
    settings = VoiceSettings()
    assert (settings.voice, settings.rate, settings.volume) == ("gmw/en", 160, 1.0)


@pytest.mark.parametrize("rate", [79, 451, 0, -5])
def test_rate_outside_espeak_range_is_refused(rate: int) -> None:
    with pytest.raises(IvrError, match="out of range"):
        VoiceSettings(rate=rate)


def test_fractional_rate_is_refused() -> None:
    with pytest.raises(IvrError, match="whole words per minute"):
        VoiceSettings(rate=160.5)  # type: ignore[arg-type]


@pytest.mark.parametrize("volume", [-0.1, 1.01])
def test_volume_outside_0_to_1_is_refused(volume: float) -> None:
    with pytest.raises(IvrError, match="volume"):
        VoiceSettings(volume=volume)


def test_empty_voice_is_refused_with_hint_to_list_voices() -> None:
    with pytest.raises(IvrError) as info:
        VoiceSettings(voice=" ")
    assert "ivr voices" in str(info.value)


def test_settings_are_hashable_so_they_can_key_caches() -> None:
    assert len({VoiceSettings(), VoiceSettings(), VoiceSettings(rate=200)}) == 2


@pytest.mark.parametrize(
    ("lang", "voice"),
    [
        ("en", "gmw/en"),
        ("EN", "gmw/en"),
        ("en_US", "gmw/en-us"),
        ("nb", "gmq/nb"),
        ("no", "gmq/nb"),
    ],
)
def test_default_voice_for_menu_languages(lang: str, voice: str) -> None:
    assert default_voice(lang) == voice


def test_default_voice_for_other_languages_comes_from_the_voice_list() -> None:
    assert default_voice("de", FAKE_VOICES) == "gmw/de"


def test_default_voice_for_unknown_language_is_an_error_naming_the_language() -> None:
    with pytest.raises(IvrError, match="'xx'") as info:
        default_voice("xx", FAKE_VOICES)
    assert "ivr voices" in str(info.value)


def test_language_filter_matches_regional_voices_but_not_prefixes_of_words() -> None:
    gb = VoiceInfo("gmw/en", "English", ("en-gb",))
    assert speaks_language(gb, "en")
    assert speaks_language(gb, "en-GB")
    assert not speaks_language(gb, "e")
    assert not speaks_language(gb, "en-us")


def refusal(voice: str, variants: Sequence[str] | None = ()) -> str | None:
    """The message ``check_voice`` refuses ``voice`` with, or None when it passes."""
    try:
        check_voice(voice, FAKE_VOICES, variants)
    except UnknownVoiceError as exc:
        return str(exc)
    return None


def test_known_voice_and_variant_pass() -> None:
    assert refusal("gmq/nb") is None
    assert refusal("gmw/en-us+f3", ["f3", "m1"]) is None


def test_unknown_voice_suggests_the_full_id_for_a_bare_language_code() -> None:
    with pytest.raises(UnknownVoiceError) as info:
        check_voice("en-us", FAKE_VOICES)
    message = str(info.value)
    assert "unknown voice 'en-us'" in message
    assert "gmw/en-us" in message
    assert "ivr voices" in message


def test_unknown_voice_suggests_close_spelling() -> None:
    with pytest.raises(UnknownVoiceError, match="did you mean gmq/nb"):
        check_voice("gmq/bn", FAKE_VOICES)


def test_unknown_voice_suggests_by_name() -> None:
    with pytest.raises(UnknownVoiceError, match="did you mean gmq/nb"):
        check_voice("norwegian", FAKE_VOICES)


def test_unknown_variant_names_the_variant_and_how_to_list_them() -> None:
    with pytest.raises(UnknownVoiceError) as info:
        check_voice("gmw/en+f9", FAKE_VOICES, ["f3", "f4", "m1"])
    assert "variant 'f9'" in str(info.value)
    assert "ivr voices --variants" in str(info.value)


def test_variants_are_let_through_when_they_could_not_be_listed() -> None:
    assert refusal("gmw/en+anything", None) is None
    # the same variant is refused once the variants are known: None is what lets it through
    assert refusal("gmw/en+anything", ["f3"]) is not None


def test_unknown_voice_is_an_input_error_not_an_engine_failure() -> None:
    from ivr.tts.speaker import TtsError

    with pytest.raises(UnknownVoiceError) as info:
        check_voice("nope", FAKE_VOICES)
    assert isinstance(info.value, IvrError)
    assert not isinstance(info.value, TtsError)
