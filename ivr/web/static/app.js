// ivr serve: the page's side of a call. One WebSocket is one call.
//
// Audio lives in audio.js (loaded first). When it defines window.ivrAudio, this
// file calls, for a call with the microphone on:
//   ivrAudio.start(socket)       before the start message (it resolves once the
//                                microphone was allowed or refused)
//   ivrAudio.onServerMessage(m)  for every JSON message from the server (parsed)
//   ivrAudio.onBinary(data)      for every binary frame (an ArrayBuffer)
//   ivrAudio.stop()              when the call's socket closes
// Without audio.js (or a microphone) the page works by keys and typed words.
(function () {
  "use strict";

  var KEYS = "0123456789*#";
  var $ = function (id) { return document.getElementById(id); };
  var state = {
    menus: [], socket: null, live: false, callId: "", log: null, started: 0,
    timer: null, drafting: false, node: "", lastPress: null, whole: false, dialled: false,
  };

  function audio() { return window.ivrAudio || null; }

  // -- pickers and the diagram ------------------------------------------------------
  function currentMenu() {
    return state.menus[Number($("menu").value)] || state.menus[0];
  }

  function fillLanguages(wanted) {
    var menu = currentMenu();
    var select = $("lang");
    select.textContent = "";
    (menu ? menu.languages : []).forEach(function (lang) {
      var option = document.createElement("option");
      option.value = lang;
      option.textContent = lang;
      select.appendChild(option);
    });
    if (wanted && menu && menu.languages.indexOf(wanted) >= 0) { select.value = wanted; }
  }

  function loadDiagram() {
    var menu = currentMenu();
    var box = $("diagram");
    if (!menu) { return Promise.resolve(); }
    var url = "/api/menus/" + menu.id + "/diagram.svg?lang=" + encodeURIComponent($("lang").value);
    $("diagram-note").textContent = menu.title;
    return fetch(url).then(function (response) {
      if (!response.ok) { throw new Error("diagram: HTTP " + response.status); }
      return response.text();
    }).then(function (text) {
      var parsed = new DOMParser().parseFromString(text, "image/svg+xml");
      var svg = parsed.documentElement;
      if (!svg || svg.nodeName !== "svg") { throw new Error("diagram: not an SVG"); }
      box.textContent = "";
      var drawn = document.importNode(svg, true);
      box.appendChild(drawn);
      fitDiagram(drawn);
      box.dataset.menu = String(menu.id);
      if (state.node) { highlight(state.node); }
    }).catch(function (error) {
      box.textContent = "The diagram could not be drawn (" + error.message + ").";
    });
  }

  function fitDiagram(svg) {
    var view = svg.viewBox && svg.viewBox.baseVal;
    var width = view && view.width ? view.width : 800;
    var height = view && view.height ? view.height : 600;
    var panel = $("diagram");
    var room = panel.clientWidth - 16;
    // follow the call: as wide as the panel, never so small that the labels cannot be
    // read (the panel scrolls to the current node); or the whole tree at a glance
    var scale = Math.max(0.8, Math.min(1.1, room / width));
    if (state.whole) { scale = Math.min(room / width, (panel.clientHeight - 16) / height, 1.1); }
    svg.removeAttribute("width");
    svg.removeAttribute("height");
    svg.style.width = Math.round(width * scale) + "px";
    svg.style.height = Math.round(height * scale) + "px";
  }

  function box(id) {
    var svg = $("diagram").querySelector("svg");
    return svg ? svg.querySelector("#" + CSS.escape(id)) : null;
  }

  function highlight(node) {
    var before = $("diagram").querySelector("g.current");
    if (before) { before.classList.remove("current"); before.classList.add("visited"); }
    var here = box("node-" + node);
    if (here) {
      here.classList.remove("visited");
      here.classList.add("current");
      here.scrollIntoView({ block: "center", inline: "center" });
    }
  }

  function clearDiagram() {
    var marked = $("diagram").querySelectorAll("g.current, g.visited, g.routed");
    Array.prototype.forEach.call(marked, function (g) {
      g.classList.remove("current", "visited", "routed");
    });
  }

  // -- the transcript -----------------------------------------------------------------
  function line(kind, who, text) {
    var item = document.createElement("li");
    item.className = kind;
    if (who) {
      var label = document.createElement("span");
      label.className = "who";
      label.textContent = who;
      item.appendChild(label);
    }
    var body = document.createElement("span");
    body.className = "text";
    body.textContent = text;
    item.appendChild(body);
    var list = $("transcript");
    list.appendChild(item);
    list.scrollTop = list.scrollHeight;
    return item;
  }

  function pressed(key) {
    // keys pressed one after another are one turn ("113"), as a caller dials them
    var last = state.lastPress;
    if (last && last === $("transcript").lastElementChild) {
      last.querySelector(".text").textContent += key;
      return;
    }
    state.lastPress = line("caller press", "You pressed", key);
  }

  // -- the call -----------------------------------------------------------------------
  function setLive(live) {
    state.live = live;
    $("call").disabled = live;
    $("hangup").disabled = !live;
    ["menu", "lang", "at", "mic"].forEach(function (id) { $(id).disabled = live; });
  }

  function setOutcome(text, kind) {
    var outcome = $("outcome");
    outcome.textContent = text;
    outcome.className = "outcome " + (kind || "");
  }

  function send(message) {
    var socket = state.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) { return; }
    if (message.type === "start") {
      state.dialled = true;
    } else if (!state.dialled) {  // still asking for the microphone: nothing before start
      if (message.type === "hangup") { socket.close(1000, "hung up before the call started"); }
      return;
    }
    socket.send(JSON.stringify(message));
  }

  function tick() {
    var seconds = Math.floor((Date.now() - state.started) / 1000);
    var mm = String(Math.floor(seconds / 60)).padStart(2, "0");
    $("clock").textContent = mm + ":" + String(seconds % 60).padStart(2, "0");
  }

  function startCall() {
    if (state.socket || !state.menus.length) { return; }
    var menu = currentMenu();
    var withAudio = Boolean(audio()) && $("mic").checked;
    $("transcript").textContent = "";
    $("route").textContent = "";
    $("where").textContent = "";
    $("waiting").textContent = "";
    $("partial").textContent = "";
    $("call-id").textContent = "";
    state.log = null;
    state.node = "";
    state.lastPress = null;
    state.drafting = false;
    state.dialled = false;
    disableDownload();
    clearDiagram();
    setOutcome("dialling", "");
    setLive(true);
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + "/ws");
    socket.binaryType = "arraybuffer";
    state.socket = socket;
    socket.onopen = function () {
      var at = $("at").value;
      var dial = function () {
        send({ type: "start", menu: menu.id, lang: $("lang").value || null, at: at || null,
               audio: withAudio });
      };
      // The microphone first: a person may take seconds to allow it, and a call that
      // started meanwhile would find its microphone silent and give up on it.
      if (withAudio) { audio().start(socket).then(dial); } else { dial(); }
    };
    socket.onmessage = function (event) {
      if (typeof event.data === "string") {
        var message;
        try { message = JSON.parse(event.data); } catch (error) { return; }
        handle(message);
        if (withAudio && audio()) { audio().onServerMessage(message); }
      } else if (withAudio && audio()) {
        audio().onBinary(event.data);
      }
    };
    socket.onclose = function (event) {
      if (state.socket !== socket) { return; }
      state.socket = null;
      if (withAudio && audio()) { audio().stop(); }
      if (event.code !== 1000 && event.reason && !$("transcript").querySelector("li.error")) {
        line("error", "", "Call closed: " + event.reason);
      }
      if ($("outcome").textContent === "waiting" || $("outcome").textContent === "dialling") {
        setOutcome("hung up", "hung-up");
      }
      clearInterval(state.timer);
      setLive(false);
    };
  }

  function handle(message) {
    switch (message.type) {
      case "started":
        state.callId = message.call;
        state.started = Date.now();
        state.timer = setInterval(tick, 500);
        $("call-id").textContent = "call " + message.call;
        setOutcome("waiting", "");
        enter(message.node);
        break;
      case "ivr":
        line("ivr", "IVR", message.text);
        break;
      case "caller":
        if (message.kind === "press") { pressed(message.text); }
        else { line("caller say", "You said", message.text); }
        $("partial").textContent = "";
        break;
      case "node":
        enter(message.node);
        break;
      case "partial":
        $("partial").textContent = message.text ? "hearing: " + message.text : "";
        break;
      case "level":  // the server's reading; audio.js shows the microphone's own, sooner
        if (audio() && audio().micOn) { break; }
        $("level").value = Math.max(-60, Math.min(0, Number(message.dbfs)));
        break;
      case "notice":
        line("notice", "", message.text);
        break;
      case "waiting":
        $("waiting").textContent = message.text;
        break;
      case "result":
        ended(message);
        break;
      case "log":
        state.log = message.log;
        enableDownload();
        break;
      case "error":
        line("error", "", "Call closed: " + message.reason);
        break;
      default:
        break;  // prompt, prompt_end, stop: audio.js's business
    }
  }

  function enter(node) {
    state.node = node;
    $("where").textContent = "at " + node;
    highlight(node);
  }

  function ended(result) {
    $("waiting").textContent = "";
    if (result.outcome === "route") {
      setOutcome("routed", "routed");
      $("route").textContent = result.route || result.target || "";
      line("end", "", "Routed to " + (result.route || result.target) +
           (result.service ? " (" + result.service + ")" : ""));
      var service = result.service_id ? box("service-" + result.service_id) : null;
      if (service) {
        service.classList.add("routed");
        service.scrollIntoView({ block: "center", inline: "center" });
      }
    } else {
      setOutcome("hung up", "hung-up");
      line("end", "", "The call ended" + (result.reason ? " (" + result.reason + ")" : ""));
    }
  }

  function press(key) {
    if (!state.live || KEYS.indexOf(key) < 0) { return; }
    var button = document.querySelector('.keypad button[data-key="' + CSS.escape(key) + '"]');
    if (button) {
      button.classList.add("pressed");
      setTimeout(function () { button.classList.remove("pressed"); }, 150);
    }
    send({ type: "key", key: key });
  }

  // -- the log ------------------------------------------------------------------------
  function disableDownload() {
    var link = $("download");
    if (link.href.indexOf("blob:") === 0) { URL.revokeObjectURL(link.href); }
    link.setAttribute("href", "#");
    link.setAttribute("aria-disabled", "true");
  }

  function enableDownload() {
    var link = $("download");
    var blob = new Blob([JSON.stringify(state.log, null, 2) + "\n"], { type: "application/json" });
    link.href = URL.createObjectURL(blob);
    link.download = "ivr-call-" + state.callId + ".json";
    link.setAttribute("aria-disabled", "false");
  }

  // -- wiring -------------------------------------------------------------------------
  function wire() {
    $("call").addEventListener("click", startCall);
    $("hangup").addEventListener("click", function () { send({ type: "hangup" }); });
    Array.prototype.forEach.call(document.querySelectorAll(".keypad button"), function (b) {
      b.addEventListener("click", function () { press(b.dataset.key); });
    });
    document.addEventListener("keydown", function (event) {
      var target = event.target;
      var typing = target && /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName);
      if (typing || event.ctrlKey || event.metaKey || event.altKey) { return; }
      if (KEYS.indexOf(event.key) >= 0 && event.key.length === 1) {
        event.preventDefault();
        press(event.key);
      }
    });
    $("say-form").addEventListener("submit", function (event) {
      event.preventDefault();
      var text = $("say").value.trim();
      if (!text || !state.live) { return; }
      send({ type: "say", text: text });
      $("say").value = "";
      state.drafting = false;
    });
    $("say").addEventListener("input", function () {
      // typing is talking: the server only needs to know when the box fills or empties
      var drafting = $("say").value.trim() !== "";
      if (drafting !== state.drafting && state.live) {
        state.drafting = drafting;
        send({ type: "draft", text: $("say").value.slice(0, 500) });
      }
    });
    $("menu").addEventListener("change", function () {
      state.node = "";
      fillLanguages(null);
      loadDiagram();
    });
    $("lang").addEventListener("change", loadDiagram);
    $("diagram-fit").addEventListener("click", function () {
      state.whole = !state.whole;
      $("diagram-fit").setAttribute("aria-pressed", String(state.whole));
      var svg = $("diagram").querySelector("svg");
      if (svg) { fitDiagram(svg); }
      var here = $("diagram").querySelector("g.current, g.routed");
      if (here) { here.scrollIntoView({ block: "center", inline: "center" }); }
    });
  }

  function init() {
    wire();
    var params = new URLSearchParams(location.search);
    fetch("/api/menus").then(function (response) { return response.json(); }).then(function (menus) {
      state.menus = menus;
      var select = $("menu");
      menus.forEach(function (menu) {
        var option = document.createElement("option");
        option.value = String(menu.id);
        option.textContent = menu.title;
        select.appendChild(option);
      });
      if (params.get("menu") && menus[Number(params.get("menu"))]) { select.value = params.get("menu"); }
      fillLanguages(params.get("lang"));
      if (params.get("at")) { $("at").value = params.get("at").replace(" ", "T"); }
      if (params.get("mic") === "1") { $("mic").checked = true; }
      return loadDiagram();
    }).then(function () {
      document.body.dataset.ready = "1";
      if (params.get("autocall") === "1") { startCall(); }
    });
  }

  init();
}());
