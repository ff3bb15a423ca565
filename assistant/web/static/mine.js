// 我的工单 on the residents' page: the resident's own tickets (GET /api/v1/web/my-tickets)
// and a rating for a handled one (POST .../{id}/rating). Text only, via textContent.
(function () {
  "use strict";
  var URL = "/api/v1/web/my-tickets";
  var toggle = document.getElementById("mine-toggle");
  var panel = document.getElementById("mine");
  var list = document.getElementById("mine-list");
  var empty = document.getElementById("mine-empty");
  var CHOICES = [["满意", 5], ["基本满意", 3], ["不满意", 1]];

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function rate(item, row, score, reason) {
    var said = row.querySelector(".said") || row.appendChild(el("p", "said"));
    fetch(URL + "/" + encodeURIComponent(item.id) + "/rating", {
      method: "POST", credentials: "same-origin", headers: {"Content-Type": "application/json"},
      body: JSON.stringify(reason ? {score: score, reason: reason} : {score: score})
    }).then(function (resp) {
      return resp.json().catch(function () { return {}; }).then(function (body) {
        if (resp.ok) {
          said.textContent = body.message;
          var buttons = row.querySelector(".rate");
          if (buttons && !body.awaiting) { buttons.remove(); }
          return;
        }
        said.textContent = (body.error && body.error.message) || "没评上，请稍后再试。";
      });
    }).catch(function () { said.textContent = "网络好像断了，请稍后再试。"; });
  }

  function ratingRow(item, row) {
    var box = el("div", "rate");
    box.appendChild(el("span", "", "办得怎么样？"));
    CHOICES.forEach(function (choice) {
      var button = el("button", "chip", choice[0]);
      button.type = "button";
      button.addEventListener("click", function () {
        if (choice[1] > 2) { rate(item, row, choice[1]); return; }
        if (box.querySelector(".reason")) { return; }
        var input = el("input", "reason");
        input.placeholder = "哪里不满意？说一句就行";
        input.maxLength = 1000;
        var send = el("button", "chip", "提交");
        send.type = "button";
        send.addEventListener("click", function () { rate(item, row, 1, input.value.trim()); });
        box.appendChild(input);
        box.appendChild(send);
        input.focus();
      });
      box.appendChild(button);
    });
    return box;
  }

  function show(items) {
    list.textContent = "";
    empty.hidden = items.length > 0;
    items.forEach(function (item) {
      var row = el("li");
      row.setAttribute("data-ticket", item.id);
      var head = el("p");
      head.appendChild(el("span", "id", item.id));
      head.appendChild(el("span", "state", item.state_text));
      row.appendChild(head);
      if (item.words) { row.appendChild(el("p", "words", item.words)); }
      row.appendChild(el("p", "muted", "反映时间 " + item.created_at + (item.rated ? "，您已评价" : "")));
      if (item.can_rate) { row.appendChild(ratingRow(item, row)); }
      list.appendChild(row);
    });
  }

  function loadBookings() {
    var box = document.getElementById("bookings-list");
    fetch("/api/v1/web/my-bookings", {credentials: "same-origin"})
      .then(function (resp) { return resp.json(); })
      .then(function (body) {
        var items = body.items || [];
        box.textContent = "";
        document.getElementById("bookings-empty").hidden = items.length > 0;
        items.forEach(function (item) {
          var row = el("li", "", item.text);
          row.setAttribute("data-booking", item.id);
          box.appendChild(row);
        });
      })
      .catch(function () { box.textContent = "暂时查不到，请稍后再试。"; });
  }

  function load() {
    loadBookings();
    fetch(URL, {credentials: "same-origin"})
      .then(function (resp) { return resp.json(); })
      .then(function (body) { show(body.items || []); })
      .catch(function () { list.textContent = "暂时查不到，请稍后再试。"; });
  }

  toggle.addEventListener("click", function () {
    var open = panel.hidden;
    panel.hidden = !open;
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) { load(); }
  });
}());
