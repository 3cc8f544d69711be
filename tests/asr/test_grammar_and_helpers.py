"""Fast unit tests: no speech engine needed."""

from __future__ import annotations

import io
import urllib.error
import zipfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from ivr.asr import models
from ivr.asr.listen import listen_files
from ivr.asr.recognizer import (
    EngineError,
    Grammar,
    Partial,
    Result,
    digits_grammar,
    open_recognizer,
    recognize,
    usable_grammar,
)
from ivr.asr.vosk_engine import check_model_dir, grammar_json
from ivr.audio.pcm import Audio, write_wav
from ivr.errors import IvrError

# the recordings below are tones: only the energy VAD takes them for speech
pytestmark = pytest.mark.usefixtures("energy_vad")


class FakeRecognizer:
    """Records what it was fed; answers with a fixed text."""

    def __init__(self) -> None:
        self.chunks: list[Audio] = []
        self.grammar: Grammar | None = None

    @property
    def name(self) -> str:
        return "fake"

    @property
    def sample_rate(self) -> int:
        return 16000

    def start(self, grammar: Grammar | None) -> None:
        self.grammar = grammar
        self.chunks = []

    def feed(self, chunk: Audio) -> Partial | None:
        self.chunks.append(chunk)
        return None

    def finish(self) -> Result:
        return Result("one", 0.9, ())

    def unknown_words(self, words: Sequence[str]) -> list[str]:
        return []


def test_grammar_normalises_case_spaces_and_duplicates() -> None:
    g = Grammar(["Fire", " smell   gas ", "fire"])
    assert g.phrases == ("fire", "smell gas")
    assert g.words == ("fire", "gas", "smell")


class FakeGarbageRecognizer(FakeRecognizer):
    """Like vosk with a model that has [unk]."""

    garbage_word = True


def test_menu_grammars_are_closed_unless_the_engine_has_a_garbage_word() -> None:
    closed = usable_grammar(["fire", "police"], FakeRecognizer())
    with_garbage = usable_grammar(["fire", "police"], FakeGarbageRecognizer())
    assert closed is not None and closed.allow_unknown is False
    assert with_garbage is not None and with_garbage.allow_unknown is True
    assert with_garbage.phrases == closed.phrases


@pytest.mark.parametrize("bad", [[], [""], ["   "], ["call 911"], ['{"x"'], ["a_b"]])
def test_grammar_rejects_phrases_engines_cannot_take(bad: list[str]) -> None:
    with pytest.raises(EngineError):
        Grammar(bad)


def test_grammar_is_hashable_and_frozen() -> None:
    g = Grammar(["yes", "no"])
    assert g == Grammar(["yes", "no"])
    assert g.key != Grammar(["yes", "no"], allow_unknown=False).key
    with pytest.raises(AttributeError):
        g.phrases = ("x",)  # type: ignore[misc]


def test_digits_grammar_has_ten_digits_and_oh() -> None:
    assert set(digits_grammar().phrases) == {
        "zero", "oh", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
    }  # fmt: skip


def test_recognize_resamples_to_engine_rate_and_feeds_chunks() -> None:
    fake = FakeRecognizer()
    audio = Audio(np.zeros(8000, np.float32), 8000)  # 1 s at 8 kHz
    result = recognize(fake, audio, digits_grammar())
    assert result.text == "one"
    assert all(c.rate == 16000 for c in fake.chunks)
    assert sum(len(c.samples) for c in fake.chunks) == 16000
    assert len(fake.chunks) == 10


def test_unknown_engine_name_is_an_ivr_error_with_hint() -> None:
    with pytest.raises(IvrError) as info:
        open_recognizer("whisper")
    assert info.value.hint and "pocketsphinx" in info.value.hint


def test_missing_vosk_model_dir_names_the_path(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    with pytest.raises(EngineError, match=str(missing)):
        check_model_dir(missing)


def test_incomplete_vosk_model_dir_lists_what_is_missing(tmp_path: Path) -> None:
    (tmp_path / "am").mkdir()
    with pytest.raises(EngineError, match=r"am/final\.mdl"):
        check_model_dir(tmp_path)


@pytest.mark.parametrize("bad", [[], [""], ["ok", " "]])
def test_vosk_grammar_string_is_never_malformed(bad: list[str]) -> None:
    with pytest.raises(EngineError):
        grammar_json(bad)


def test_vosk_grammar_string_is_a_json_list() -> None:
    assert grammar_json(["일", "[unk]"]) == '["일", "[unk]"]'


def test_listen_files_reports_bad_file_and_goes_on(tmp_path: Path) -> None:
    good = tmp_path / "good.wav"
    sound = 0.3 * np.sin(np.arange(8000, dtype=np.float32) * 0.1)  # something the front end hears
    write_wav(good, Audio(sound.astype(np.float32), 16000))
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"not a wav")
    out = list(listen_files([bad, good], FakeRecognizer(), None))
    assert out[0].error is not None and "bad.wav" in out[0].error
    assert out[1].result is not None and out[1].result.text == "one"


def _zip_model(name: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(f"{name}/am/final.mdl", "x")
        zf.writestr(f"{name}/conf/mfcc.conf", "x")
    return buf.getvalue()


def test_download_offline_is_one_clear_error(tmp_path: Path) -> None:
    def offline(url: str, timeout: float) -> io.BytesIO:
        raise urllib.error.URLError("Name or service not known")

    with pytest.raises(EngineError, match="cannot download") as info:
        models.download("vosk-model-small-en-us-0.15", tmp_path, opener=offline, progress=None)
    assert info.value.hint and "offline" in info.value.hint
    assert list(tmp_path.iterdir()) == []  # nothing half-written left behind


def test_download_rejects_a_wrong_checksum(tmp_path: Path) -> None:
    data = _zip_model("vosk-model-small-en-us-0.15")
    with pytest.raises(EngineError, match="SHA-256"):
        models.download(
            "vosk-model-small-en-us-0.15",
            tmp_path,
            opener=lambda url, timeout: io.BytesIO(data),
            progress=None,
        )
    assert not (tmp_path / "vosk-model-small-en-us-0.15").exists()


def test_download_unpacks_a_verified_archive(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hashlib

    name = "vosk-model-small-en-us-0.15"
    data = _zip_model(name)
    info = models.known(name)
    patched = models.ModelInfo(
        info.name, info.engine, info.language, info.url, hashlib.sha256(data).hexdigest(), 1
    )
    monkeypatch.setattr(models, "KNOWN_MODELS", (patched,))
    path = models.download(name, tmp_path, opener=lambda url, t: io.BytesIO(data), progress=None)
    assert (path / "am" / "final.mdl").is_file()
    assert models.find_installed("vosk", "en", tmp_path) == path


def test_unknown_model_name_lists_known_ones() -> None:
    with pytest.raises(EngineError) as info:
        models.download("vosk-model-huge")
    assert info.value.hint and "vosk-model-small-en-us-0.15" in info.value.hint


def test_unreachable_url_is_an_error_not_a_hang(tmp_path: Path) -> None:
    info = models.known("vosk-model-small-en-us-0.15")
    unreachable = "http://127.0.0.1:9/model.zip"  # discard port: connection refused
    with pytest.raises(EngineError, match="cannot download"):
        models._fetch(unreachable, tmp_path / "x.zip", models._urlopen, None, 2.0)
    assert info.sha256 is not None
