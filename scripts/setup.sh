#!/usr/bin/env bash
# Install everything ivr needs on a fresh Debian machine, from nothing:
# Debian packages (speech engine, audio libraries, virtual audio devices for
# the tests) and a Python virtual environment in .venv with every extra.
# Safe to run again; it only adds what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  espeak-ng libespeak-ng1          # text-to-speech engine behind pyttsx3
  libportaudio2                    # PortAudio, for sounddevice
  sox                              # audio conversion in tools and tests
  pulseaudio pulseaudio-utils libasound2-plugins  # virtual audio devices for live-call tests
  graphviz                         # ivr graph --format svg
  swig g++ python3-dev             # build webrtc-audio-processing (ivr[echo]: ivr run --echo cancel)
  chromium                         # headless browser check of ivr graph --format html (Playwright)
  sphinxtrain sphinxbase-utils pocketsphinx  # build the espeak-ng-adapted model below
  pocketsphinx-testdata            # its TIDIGITS model: second opinion on spoken digits
  flite festival festvox-kallpc16k festvox-kdlpc16k festvox-us-slt-hts  # other voices for bench/speak_needs.py (festival: the held-out synthesiser)
)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "setup: need root (or sudo) to install Debian packages: ${APT_PACKAGES[*]}" >&2
    exit 1
  fi
}

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $("$PYTHON" --version)"
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
echo "setup: installing ivr with all extras into .venv"
.venv/bin/python -m pip install -q -e '.[all,dev,vosk-ko,echo]'
# Silero VAD's ONNX model (end of speech in live calls) ships in the silero-vad
# wheel, which depends on torch (gigabytes, with its CUDA libraries) only for
# code ivr never runs: the model runs on onnxruntime (ivr[neural]). Hence
# --no-deps, and not an extra (an extra would pull torch in).
# Keep the pin in step with REQUIREMENT in ivr/audio/silero_vad.py.
.venv/bin/python -m pip install -q --no-deps 'silero-vad==6.2.3'
ADAPTED=models/pocketsphinx-en-us-espeak-ng
if [ ! -d "$ADAPTED" ]; then
  # Scripted audio calls speak with espeak-ng; pocketsphinx hears it far better
  # with a model MAP-adapted to espeak-ng voices (about a minute; 3.7 MB).
  echo "setup: building $ADAPTED (pocketsphinx adapted to espeak-ng voices)"
  .venv/bin/python scripts/adapt_synthetic.py --map-model "$ADAPTED"
fi
if .venv/bin/python -c "from ivr.asr import moonshine_model as m; raise SystemExit(m.find() is None)"; then
  # Moonshine's weights arrive int8 and are widened on every call; a float copy
  # made once (about 10 s, 250 MB in models/) decodes 3x faster.
  echo "setup: preparing models/moonshine-base-en (Moonshine's model as plain ONNX)"
  .venv/bin/python -c "from ivr.asr import moonshine_model as m; m.prepared(m.find())"
fi
echo "setup: done. Try: .venv/bin/ivr run menus/norway.yaml"
