/* kegdash tap list: poll /taps/state and repaint the cards. Text goes in with textContent only,
   so a beverage called <script> stays text. No libraries, works offline. */
(function () {
  "use strict";

  var POLL_MS = 500;        // visible: a pour shows within about half a second
  var HIDDEN_MS = 5000;     // tab in the background
  var RETRY_MS = 3000;      // server unreachable
  var board = document.getElementById("taps");
  var template = document.getElementById("tap-template");
  var status = document.getElementById("status");
  var url = board.getAttribute("data-state-url");

  function setField(card, name, text) {
    var el = card.querySelector('[data-field="' + name + '"]');
    if (el) {
      el.textContent = text;
      if (name !== "name" && name !== "beverage") { el.hidden = !text; }
    }
    var part = card.querySelector('[data-part="' + name + '"]');
    if (part) { part.hidden = !text; }
  }

  function paintSwatch(card, color) {
    var swatch = card.querySelector(".swatch");
    swatch.setAttribute("data-color", color);
    swatch.style.backgroundColor = color;   /* CSSOM: allowed by the page's CSP */
    swatch.hidden = !color;
  }

  function paint(card, tap) {
    card.setAttribute("data-tap-id", String(tap.id));
    card.classList.toggle("empty", tap.empty);
    card.classList.toggle("pouring", tap.pouring);
    ["name", "temp", "beverage", "style", "abv", "ibu", "colorName", "level", "pour"].forEach(
      function (name) { setField(card, name, tap[name] || ""); });
    card.querySelector("progress.level").value = tap.fraction;
    paintSwatch(card, tap.color || "");
  }

  function render(taps) {
    var seen = {};
    taps.forEach(function (tap, index) {
      var card = board.querySelector('article.tap[data-tap-id="' + tap.id + '"]');
      if (!card) { card = template.content.firstElementChild.cloneNode(true); }
      paint(card, tap);
      if (board.children[index] !== card) { board.insertBefore(card, board.children[index] || null); }
      seen[String(tap.id)] = true;
    });
    Array.prototype.slice.call(board.children).forEach(function (child) {
      if (!child.matches("article.tap") || !seen[child.getAttribute("data-tap-id")]) {
        if (taps.length || child.matches("article.tap")) { board.removeChild(child); }
      }
    });
  }

  function schedule(ms) { window.setTimeout(poll, ms); }

  function poll() {
    fetch(url, { cache: "no-store", credentials: "same-origin" }).then(function (response) {
      if (response.status === 401) { window.location.reload(); return null; }
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    }).then(function (data) {
      if (!data) { return; }
      render(data.taps);
      status.hidden = true;
      schedule(document.hidden ? HIDDEN_MS : POLL_MS);
    }).catch(function () {
      status.hidden = false;
      schedule(RETRY_MS);
    });
  }

  Array.prototype.forEach.call(board.querySelectorAll(".swatch"), function (swatch) {
    swatch.style.backgroundColor = swatch.getAttribute("data-color") || "";
  });
  schedule(POLL_MS);
}());
