// The microphone at the server's rate: an AudioWorklet that low-pass filters and
// resamples the context's rate (44.1 or 48 kHz) to 16 kHz PCM16 and posts one
// frame every 20 ms, with the frame's level, to the page (audio.js).
//
// Why here and not in the page: the audio thread runs every 128 samples whatever
// the page is doing, so a busy page never drops microphone audio. The filter is a
// Hann-windowed sinc, as the server's own resampler (ivr/audio/resample.py), read
// from a table so no trigonometry runs per sample.
'use strict';

const HALF_WIDTH = 8; // zero crossings each side of the centre
const TABLE_STEPS = 512; // kernel samples per input sample

class Resampler {
  constructor(inRate, outRate) {
    this.step = inRate / outRate; // input samples per output sample
    this.cutoff = Math.min(1, outRate / inRate) * 0.95; // of the input's Nyquist
    this.half = Math.ceil(HALF_WIDTH / this.cutoff); // in input samples
    const size = this.half * TABLE_STEPS + 1;
    this.table = new Float32Array(size);
    for (let i = 0; i < size; i++) {
      const x = i / TABLE_STEPS;
      const s = x === 0 ? 1 : Math.sin(Math.PI * this.cutoff * x) / (Math.PI * this.cutoff * x);
      const w = 0.5 + 0.5 * Math.cos((Math.PI * x) / (this.half + 1));
      this.table[i] = this.cutoff * s * w;
    }
    this.history = new Float32Array(0); // input not yet consumed, with its left context
    this.position = this.half; // where the next output falls, in history's samples
  }

  push(input) {
    const joined = new Float32Array(this.history.length + input.length);
    joined.set(this.history);
    joined.set(input, this.history.length);
    const out = [];
    let t = this.position;
    while (t + this.half < joined.length) {
      const centre = Math.floor(t);
      let acc = 0;
      for (let k = centre - this.half + 1; k <= centre + this.half; k++) {
        const d = Math.abs(k - t);
        if (d >= this.half) continue;
        acc += joined[k] * this.table[Math.round(d * TABLE_STEPS)];
      }
      out.push(acc);
      t += this.step;
    }
    const keep = Math.max(0, Math.floor(t) - this.half);
    this.history = joined.slice(keep);
    this.position = t - keep;
    return out;
  }
}

class CaptureProcessor extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const opts = (options && options.processorOptions) || {};
    this.targetRate = opts.targetRate || 16000;
    this.frameSamples = opts.frameSamples || 320;
    this.resampler = sampleRate === this.targetRate ? null : new Resampler(sampleRate, this.targetRate);
    this.frame = new Int16Array(this.frameSamples);
    this.filled = 0;
    this.energy = 0;
  }

  emit(samples) {
    for (let i = 0; i < samples.length; i++) {
      const v = Math.max(-1, Math.min(1, samples[i]));
      this.energy += v * v;
      this.frame[this.filled++] = v < 0 ? Math.round(v * 32768) : Math.round(v * 32767);
      if (this.filled === this.frameSamples) {
        const rms = Math.sqrt(this.energy / this.frameSamples);
        const dbfs = rms > 0 ? 20 * Math.log10(rms) : -Infinity;
        const buffer = this.frame.buffer;
        this.port.postMessage({ frame: buffer, dbfs }, [buffer]);
        this.frame = new Int16Array(this.frameSamples);
        this.filled = 0;
        this.energy = 0;
      }
    }
  }

  process(inputs) {
    const input = inputs[0];
    if (input && input.length > 0) {
      let mono = input[0];
      if (input.length > 1) {
        mono = new Float32Array(input[0].length);
        for (const channel of input) {
          for (let i = 0; i < mono.length; i++) mono[i] += channel[i] / input.length;
        }
      }
      this.emit(this.resampler ? this.resampler.push(mono) : mono);
    }
    return true;
  }
}

registerProcessor('ivr-capture', CaptureProcessor);
