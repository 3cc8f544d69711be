// Audio both ways for a browser call (the page's script, app.js, drives it):
//
//   window.ivrAudio.start(socket)  -> Promise<boolean>: asks for the microphone (echo
//       cancellation, noise suppression and gain control on) before the call's
//       "start" is sent; true when it will stream, so app.js sends "audio": true.
//   window.ivrAudio.onServerMessage(msg)  every JSON message from the server.
//   window.ivrAudio.onBinary(arrayBuffer)  every binary message (prompt audio).
//   window.ivrAudio.stop()  the call ended or the socket closed.
//
// The microphone goes through capture-worklet.js (16 kHz PCM16, 20 ms frames) and
// is sent only once the server said "started": binary before "start" is a protocol
// error. Prompts arrive as "prompt" (id, rate), binary frames, "prompt_end"; each
// frame is scheduled right after the one before on an AudioContext at the prompt's
// rate, so a "stop" cancels every scheduled frame at once. Without a microphone
// (no API, refused, no device) start() resolves false and says why in micError:
// the call goes on by keys and typed words.
//
// The fields below are the page-side record of what happened (tests read them).
'use strict';

(function () {
  const WIRE_RATE = 16000;
  const FRAME_SAMPLES = 320; // 20 ms at 16 kHz
  const FIRST_FRAME_LEAD = 0.1; // s: the jitter buffer before a prompt's first frame
  const METER_EVERY = 5; // frames: the meter moves 10 times a second
  const METER_FLOOR = -60; // dBFS shown as an empty meter

  let socket = null;
  let started = false; // the server acknowledged the call's start
  let stream = null;
  let captureContext = null;
  let captureNode = null;
  let playContext = null;
  let current = null; // the prompt being received: {id, rate, ended, sources:Set, next}
  const draining = new Set(); // prompts received whole, still playing out
  let meterPeak = -Infinity;
  let meterFrames = 0;

  const audio = {
    micOn: false,
    micError: null, // why there is no microphone ("NotAllowedError", ...)
    micSettings: null, // what the browser applied: echoCancellation, noiseSuppression, ...
    framesSent: 0,
    framesReceived: 0,
    framesDropped: 0, // prompt frames after a stop, or outside a prompt
    promptsStarted: 0,
    promptsFinished: 0, // played to their end
    promptsStopped: 0,
    playing: false,
    stoppedAt: null, // performance.now() of the last "stop" acted on
    stoppedId: null,
    levelDbfs: -Infinity,
    levelMax: -Infinity, // the loudest the meter showed this call

    async start(ws) {
      socket = ws;
      started = false;
      audio.levelMax = -Infinity;
      socket.binaryType = 'arraybuffer';
      ensurePlayContext(WIRE_RATE);
      if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
        audio.micError = 'no microphone API here (the page must be on localhost or https)';
        return false;
      }
      let mic = null;
      let context = null;
      try {
        mic = await navigator.mediaDevices.getUserMedia({
          audio: {
            echoCancellation: true,
            noiseSuppression: true,
            autoGainControl: true,
            channelCount: 1,
          },
          video: false,
        });
        const track = mic.getAudioTracks()[0];
        const applied = track && track.getSettings ? track.getSettings() : {};
        audio.micSettings = {
          echoCancellation: applied.echoCancellation,
          noiseSuppression: applied.noiseSuppression,
          autoGainControl: applied.autoGainControl,
          sampleRate: applied.sampleRate,
        };
        context = new AudioContext();
        await context.audioWorklet.addModule('/static/capture-worklet.js');
        const node = new AudioWorkletNode(context, 'ivr-capture', {
          numberOfInputs: 1,
          numberOfOutputs: 1,
          processorOptions: { targetRate: WIRE_RATE, frameSamples: FRAME_SAMPLES },
        });
        const mute = context.createGain(); // pulled by the graph, heard by no one
        mute.gain.value = 0;
        context.createMediaStreamSource(mic).connect(node);
        node.connect(mute).connect(context.destination);
        await context.resume();
        if (socket !== ws) throw new Error('the call ended while the microphone was asked for');
        node.port.onmessage = (event) => onFrame(event.data);
        stream = mic;
        captureContext = context;
        captureNode = node;
      } catch (err) {
        // a DOMException's name says it ("NotAllowedError", "NotFoundError"); ours, its message
        audio.micError = err && err.name && err.name !== 'Error' ? err.name : String(err.message || err);
        if (mic) mic.getTracks().forEach((track) => track.stop());
        if (context) context.close();
        return false;
      }
      audio.micOn = true;
      audio.micError = null;
      return true;
    },

    stop() {
      started = false;
      socket = null;
      releaseMicrophone();
      // The call's last words (the route's announcement) were all sent before the
      // socket closed: they play out. A prompt still arriving is cut.
      if (current && !current.ended) cutPrompts();
      showLevel(-Infinity);
    },

    onServerMessage(msg) {
      switch (msg && msg.type) {
        case 'started':
          started = true;
          break;
        case 'prompt': {
          // The last prompt, if it came whole, plays out and this one follows it (the
          // server's idea of when it ended may be a little ahead of the page); one cut
          // short is cut.
          if (current && current.ended) draining.add(current);
          else cutPrompts();
          let after = 0;
          for (const prompt of draining) after = Math.max(after, prompt.next);
          current = { id: msg.id, rate: msg.rate || WIRE_RATE, ended: false, sources: new Set(), next: after, begun: false };
          audio.promptsStarted += 1;
          audio.playing = true;
          ensurePlayContext(current.rate);
          break;
        }
        case 'prompt_end':
          if (current && current.id === msg.id) {
            current.ended = true;
            finishIfDone(current);
          }
          break;
        case 'stop':
          if ((current && current.id === msg.id) || [...draining].some((p) => p.id === msg.id)) {
            cutPrompts();
            audio.promptsStopped += 1;
            audio.stoppedAt = performance.now();
            audio.stoppedId = msg.id;
          }
          break;
        default:
          break;
      }
    },

    onBinary(data) {
      if (!current || current.ended || !playContext) {
        audio.framesDropped += 1;
        return;
      }
      audio.framesReceived += 1;
      const ints = new Int16Array(data);
      const floats = new Float32Array(ints.length);
      for (let i = 0; i < ints.length; i++) floats[i] = ints[i] / 32768;
      const buffer = playContext.createBuffer(1, floats.length, current.rate);
      buffer.copyToChannel(floats, 0);
      const source = playContext.createBufferSource();
      source.buffer = buffer;
      source.connect(playContext.destination);
      const now = playContext.currentTime;
      const at = current.next > now ? current.next : now + (current.begun ? 0.02 : FIRST_FRAME_LEAD);
      current.begun = true;
      source.start(at);
      current.next = at + buffer.duration;
      const prompt = current;
      prompt.sources.add(source);
      source.onended = () => {
        prompt.sources.delete(source);
        finishIfDone(prompt);
      };
    },
  };

  function ensurePlayContext(rate) {
    if (playContext && playContext.sampleRate !== rate) {
      playContext.close();
      playContext = null;
    }
    if (!playContext) {
      playContext = new AudioContext({ sampleRate: rate });
    }
    if (playContext.state === 'suspended') playContext.resume();
  }

  function finishIfDone(prompt) {
    if (!prompt.ended || prompt.sources.size > 0) return;
    if (prompt === current) current = null;
    else if (!draining.delete(prompt)) return; // cut meanwhile
    audio.playing = current !== null || draining.size > 0;
    audio.promptsFinished += 1;
  }

  function cutPrompts() {
    const prompts = [...draining];
    if (current) prompts.push(current);
    for (const prompt of prompts) {
      for (const source of prompt.sources) {
        source.onended = null;
        try {
          source.stop();
        } catch (err) {
          // never started: nothing to stop
        }
      }
    }
    current = null;
    draining.clear();
    audio.playing = false;
  }

  function onFrame(data) {
    if (started && socket && socket.readyState === WebSocket.OPEN) {
      socket.send(data.frame);
      audio.framesSent += 1;
    }
    meterPeak = Math.max(meterPeak, data.dbfs);
    meterFrames += 1;
    if (meterFrames >= METER_EVERY) {
      showLevel(meterPeak);
      meterPeak = -Infinity;
      meterFrames = 0;
    }
  }

  function showLevel(dbfs) {
    audio.levelDbfs = dbfs;
    if (dbfs > audio.levelMax) audio.levelMax = dbfs;
    const meter = document.getElementById('level');
    if (!meter) return;
    const share = Number.isFinite(dbfs) ? Math.min(1, Math.max(0, 1 - dbfs / METER_FLOOR)) : 0;
    if ('max' in meter && 'value' in meter) {
      const low = Number(meter.min) || 0; // <progress> has no min
      meter.value = low + share * ((Number(meter.max) || 1) - low);
    } else {
      meter.style.setProperty('--level', String(share));
    }
    meter.dataset.dbfs = Number.isFinite(dbfs) ? dbfs.toFixed(1) : '-inf';
  }

  function releaseMicrophone() {
    if (stream) stream.getTracks().forEach((track) => track.stop());
    if (captureNode) captureNode.port.onmessage = null;
    if (captureContext) captureContext.close();
    stream = null;
    captureNode = null;
    captureContext = null;
    audio.micOn = false;
    meterPeak = -Infinity;
    meterFrames = 0;
  }

  // A call started with no click (?autocall=1) may find its audio suspended by the
  // browser's autoplay rule: the first click or key anywhere lets it play.
  function resumeAudio() {
    [playContext, captureContext].forEach((context) => {
      if (context && context.state === 'suspended') context.resume();
    });
  }
  document.addEventListener('pointerdown', resumeAudio, true);
  document.addEventListener('keydown', resumeAudio, true);

  window.ivrAudio = audio;
})();
