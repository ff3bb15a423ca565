// The residents' chat page: text and quick replies to POST /api/v1/chat, the microphone
// to POST /api/v1/voice, and 长辈模式. Every word a resident or the butler says is put
// on the page with textContent: never as markup.
(function () {
  "use strict";
  var VOICE_UNAVAILABLE = "语音暂时用不了，请打字。";
  var messages = document.getElementById("messages");
  var form = document.getElementById("composer");
  var input = document.getElementById("text");
  var sendButton = document.getElementById("send");
  var mic = document.getElementById("mic");
  var statusLine = document.getElementById("status");
  var toggle = document.getElementById("elderly-toggle");
  var quick = document.getElementById("quick");
  var busy = false;
  var recorder = null;
  var chunks = [];

  function elderly() { return document.body.classList.contains("elderly"); }

  function setElderly(on) {
    document.body.classList.toggle("elderly", on);
    toggle.setAttribute("aria-pressed", on ? "true" : "false");
    try { window.localStorage.setItem("butler-elderly", on ? "1" : "0"); } catch (e) { /* private mode */ }
  }

  function say(text) {
    statusLine.textContent = text;
    statusLine.hidden = !text;
  }

  function scrollDown() { window.scrollTo(0, document.body.scrollHeight); }

  function addMessage(who, text) {
    var item = document.createElement("li");
    item.className = "msg " + who;
    var p = document.createElement("p");
    p.textContent = text;
    item.appendChild(p);
    messages.appendChild(item);
    scrollDown();
    return item;
  }

  function clearButtons() {
    var old = messages.querySelectorAll(".replies");
    for (var i = 0; i < old.length; i++) { old[i].remove(); }
  }

  function showReplies(replies) {
    clearButtons();
    var buttons = [];
    (replies || []).forEach(function (reply) {
      if (reply.text) { addMessage("bot", reply.text); }
      (reply.buttons || []).forEach(function (b) { buttons.push(b); });
    });
    if (!buttons.length) { return; }
    var row = document.createElement("li");
    row.className = "replies";
    buttons.forEach(function (b) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "chip";
      button.textContent = b.title;
      button.addEventListener("click", function () { send(b.payload, b.title); });
      row.appendChild(button);
    });
    messages.appendChild(row);
    scrollDown();
  }

  function setBusy(on) {
    busy = on;
    sendButton.disabled = on;
    document.body.classList.toggle("busy", on);
  }

  function send(text, shown) {
    text = (text || "").trim();
    if (!text || busy) { return; }
    addMessage("me", shown || text);
    setBusy(true);
    say("");
    fetch("/api/v1/chat", {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json"},
      body: JSON.stringify({text: text})
    }).then(function (resp) {
      return resp.json().catch(function () { return {}; }).then(function (body) {
        if (resp.ok) { showReplies(body.replies); return; }
        if (resp.status === 429) { addMessage("bot", "您发得太快了，请稍等一会儿再说。"); return; }
        addMessage("bot", "抱歉，刚才没发出去，请再试一次。");
      });
    }).catch(function () {
      addMessage("bot", "网络好像断了，请稍后再试。");
    }).then(function () { setBusy(false); input.focus(); });
  }

  function playAudio(base64) {
    if (!base64) { return; }
    var audio = new Audio("data:audio/wav;base64," + base64);
    audio.play().catch(function () { /* autoplay refused: the text is on the page */ });
  }

  function sendVoice(blob) {
    var data = new FormData();
    data.append("audio", blob, "speech.webm");
    if (elderly()) { data.append("elderly", "true"); }
    setBusy(true);
    say("正在听您说的话…");
    fetch("/api/v1/voice", {method: "POST", credentials: "same-origin", body: data})
      .then(function (resp) {
        return resp.json().catch(function () { return {}; }).then(function (body) {
          say("");
          if (resp.ok) {
            if (body.transcript) { addMessage("me", body.transcript); }
            else { addMessage("bot", "没听清，请再说一遍，或者打字告诉我。"); }
            showReplies(body.replies);
            playAudio(body.audio_base64);
            return;
          }
          var code = body && body.error && body.error.code;
          if (resp.status === 503 || code === "asr_model_missing") { say(VOICE_UNAVAILABLE); return; }
          if (resp.status === 413) { say("说得太长了，请分几次说。"); return; }
          say("没听清，请再说一遍，或者打字告诉我。");
        });
      })
      .catch(function () { say(VOICE_UNAVAILABLE); })
      .then(function () { setBusy(false); });
  }

  function stopRecording() {
    if (recorder && recorder.state === "recording") { recorder.stop(); }
  }

  function startRecording() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || !window.MediaRecorder) {
      say(VOICE_UNAVAILABLE);
      return;
    }
    navigator.mediaDevices.getUserMedia({audio: true}).then(function (stream) {
      chunks = [];
      recorder = new MediaRecorder(stream);
      recorder.addEventListener("dataavailable", function (e) { if (e.data && e.data.size) { chunks.push(e.data); } });
      recorder.addEventListener("stop", function () {
        stream.getTracks().forEach(function (t) { t.stop(); });
        mic.classList.remove("recording");
        mic.textContent = "说话";
        mic.setAttribute("aria-label", "按一下说话，再按一下结束");
        var blob = new Blob(chunks, {type: recorder.mimeType || "audio/webm"});
        recorder = null;
        if (blob.size) { sendVoice(blob); } else { say("没录到声音，请再试一次。"); }
      });
      recorder.start();
      mic.classList.add("recording");
      mic.textContent = "说完了";
      mic.setAttribute("aria-label", "正在录音，再按一下结束");
      say("请说话，说完按“说完了”。");
      window.setTimeout(stopRecording, 60000);
    }).catch(function () { say(VOICE_UNAVAILABLE); });
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value;
    input.value = "";
    send(text);
  });
  quick.addEventListener("click", function (e) {
    var target = e.target.closest("button[data-text]");
    if (target) { send(target.getAttribute("data-text")); }
  });
  mic.addEventListener("click", function () {
    if (busy) { return; }
    if (recorder) { stopRecording(); } else { startRecording(); }
  });
  toggle.addEventListener("click", function () { setElderly(!elderly()); });
  var saved = null;
  try { saved = window.localStorage.getItem("butler-elderly"); } catch (e) { /* private mode */ }
  setElderly(saved === "1");
}());
