"""``ivr serve`` by voice: from the end of the caller's speech to the route shown.

Chromium (Debian's, driven by Playwright) calls menus/norway.yaml with its fake
microphone saying "ambulance" (espeak-ng, 2.5 s into the file, then silence;
Chromium loops it), the page's microphone on. The word comes during the
greeting, so it barges in; "ambulance" routes to 113 from the main node.

Times are taken in the page, on one clock (``performance.now()``):

A call that routes to 113 after anything but one utterance is reported with
what was heard, not timed: the recogniser's confidence in this "ambulance"
moves between 1.0 and 0.47 ("Did you say ...?") with where the 20 ms frames of
the stream fall (the same recording, shifted by 100-sample steps through the
live capture offline, gave 1.0 at 8 of 16 shifts), so some calls are asked again.

- **end of speech**: the last microphone frame the page sent above -45 dBFS
  (``WebSocket.send`` is watched; the fake file's quiet is digital silence);
- **heard**: the server's ``caller`` line ("You said ambulance") arrived: end of
  speech as the server's detector decides it (0.8 s of trailing silence by
  default), the recogniser, the network;
- **announced**: the route's announcement started arriving (``prompt`` 2);
- **route shown**: ``#route`` got its number. A live call shows the route after
  its announcement has been played (as ``ivr run`` does), so this includes it.

The server runs in this process (``ServerThread`` with ``audio_factory``).
Calls run one after another. Nothing is asserted; figures are printed.

Run: python3 bench/bench_serve_voice.py [--calls 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ivr.audio.pcm import concat, read_wav, silence, write_wav  # noqa: E402
from ivr.audio.resample import resample  # noqa: E402

NORWAY = ROOT / "menus" / "norway.yaml"
WAIT_MS = 120_000

#: Page-side stopwatch, installed before the page's own scripts run.
STOPWATCH = """
window.__bench = {speechEnd: null, heard: null, announced: null, route: null, said: []};
(function () {
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    if (data instanceof ArrayBuffer && window.__bench.heard === null) {
      const s = new Int16Array(data);
      let energy = 0;
      for (let i = 0; i < s.length; i++) energy += s[i] * s[i];
      const rms = Math.sqrt(energy / Math.max(1, s.length)) / 32768;
      if (rms > 0 && 20 * Math.log10(rms) > -45) window.__bench.speechEnd = performance.now();
    }
    return send.call(this, data);
  };
  document.addEventListener('DOMContentLoaded', () => {
    const audio = window.ivrAudio;
    const onServerMessage = audio.onServerMessage.bind(audio);
    audio.onServerMessage = (msg) => {
      const b = window.__bench;
      if (msg.type === 'caller' && msg.kind === 'say') {
        b.said.push(msg.text);
        if (b.heard === null) b.heard = performance.now();
      }
      if (msg.type === 'prompt' && b.heard !== null && b.announced === null) {
        b.announced = performance.now();
      }
      return onServerMessage(msg);
    };
    new MutationObserver(() => {
      const route = document.getElementById('route');
      if (route && route.textContent && window.__bench.route === null) {
        window.__bench.route = performance.now();
      }
    }).observe(document.body, {subtree: true, childList: true, characterData: true});
  });
})();
"""


def fake_microphone(folder: Path) -> Path:
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        raise SystemExit("needs espeak-ng (apt: espeak-ng)")
    said = folder / "said.wav"
    subprocess.run([espeak, "-v", "en", "-w", str(said), "ambulance"], check=True, timeout=60)
    speech = resample(read_wav(said), 48000)
    path = folder / "mic.wav"
    write_wav(path, concat([silence(2.5, 48000), speech, silence(12.0, 48000)]))
    return path


def one_call(browser: Any, url: str) -> dict[str, float]:
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_default_timeout(WAIT_MS)
        page.add_init_script(STOPWATCH)
        page.goto(url)
        page.wait_for_selector("body[data-ready='1']")
        page.check("#mic")
        page.click("#call")
        page.wait_for_function("() => window.__bench.route !== null")
        times: dict[str, Any] = page.evaluate("() => window.__bench")
        route = page.locator("#route").inner_text()
        if route != "113" or len(times["said"]) != 1:
            raise RuntimeError(f"routed to {route!r} after hearing {times['said']!r}")
        return times
    finally:
        context.close()


def summary(name: str, values: list[float]) -> str:
    return (
        f"{name}: median {statistics.median(values):.0f} ms, "
        f"min {min(values):.0f}, max {max(values):.0f} ({len(values)} calls)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=5, help="calls, one after another")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from ivr.web.browser_audio import audio_factory
    from ivr.web.server import ServeOptions, ServerThread, make_app

    executable = shutil.which("chromium") or "/usr/bin/chromium"
    options = ServeOptions(port=0)
    server = ServerThread(make_app([NORWAY], options, audio=audio_factory), options).start()
    rows: list[dict[str, Any]] = []
    errors: list[str] = []
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        flags = [
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-audio-capture={fake_microphone(Path(folder))}",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            flags.append("--no-sandbox")
        browser = playwright.chromium.launch(executable_path=executable, args=flags)
        try:
            one_call(browser, server.url)  # warm-up: prompt cache, recogniser, engine
            for _ in range(args.calls):
                try:
                    rows.append(one_call(browser, server.url))
                except Exception as exc:  # a failed call is reported, the rest go on
                    errors.append(str(exc).splitlines()[0])
        finally:
            browser.close()
            server.stop()
    print(f"ivr serve by voice (Chromium fake microphone), menus/norway.yaml, "
          f"{os.cpu_count()} CPU(s)")  # fmt: skip
    print(f"calls: {args.calls}, routed to 113 on one utterance: {len(rows)}, "
          f"others: {len(errors)}")  # fmt: skip
    if rows:
        for name, key in (("heard", "heard"), ("announced", "announced"), ("route shown", "route")):
            print("end of speech -> " + summary(name, [r[key] - r["speechEnd"] for r in rows]))
    for error in errors[:5]:
        print(f"  error: {error}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
