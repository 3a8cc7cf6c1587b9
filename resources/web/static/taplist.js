/* kegdash tap list: poll /taps/state and repaint the cards. Text goes in with textContent only,
   so a beverage called <script> stays text. No libraries, works offline.

   Names are written word by word, each word in a span that never breaks (kegdash.css), so a
   line ends only between words; a name too big for its card is made smaller (fit), and a
   single word longer than the card at the smallest size ends with an ellipsis. */
(function () {
  "use strict";

  var POLL_MS = 500;        // visible: a pour shows within about half a second
  var HIDDEN_MS = 5000;     // tab in the background
  var RETRY_MS = 3000;      // server unreachable
  var SMALLEST = 0.45;       // a name gets no smaller than this share of its stylesheet size
  var MIN_FONT_PX = 14;
  var WORDS = { name: true, beverage: true, style: true };
  var FIELDS = ["name", "temp", "badge", "beverage", "style", "abv", "ibu", "colorName",
                "percent", "level", "glasses", "pour"];
  var ALWAYS_SHOWN = { name: true, beverage: true };
  var board = document.getElementById("taps");
  var template = document.getElementById("tap-template");
  var status = document.getElementById("status");
  var url = board.getAttribute("data-state-url");

  function setWords(el, text) {
    el.textContent = "";
    text.split(/\s+/).filter(Boolean).forEach(function (word, index) {
      if (index) { el.appendChild(document.createTextNode(" ")); }
      var span = document.createElement("span");
      span.className = "w";
      span.textContent = word;
      el.appendChild(span);
    });
  }

  /* Returns whether the text changed, so only changed names are fitted again. */
  function setField(card, name, text) {
    var el = card.querySelector('[data-field="' + name + '"]');
    var changed = false;
    if (el && el.textContent.replace(/\s+/g, " ").trim() !== text.replace(/\s+/g, " ").trim()) {
      if (WORDS[name]) { setWords(el, text); } else { el.textContent = text; }
      changed = true;
    }
    if (el && !ALWAYS_SHOWN[name]) { el.hidden = !text; }
    var part = card.querySelector('[data-part="' + name + '"]');
    if (part) { part.hidden = !text; }
    return changed;
  }

  function paintLevel(card, fraction) {
    var keg = card.querySelector(".keg");
    keg.setAttribute("aria-valuenow", String(fraction));
    keg.setAttribute("data-fraction", String(fraction));
    /* CSSOM, not a style attribute: allowed by the page's Content-Security-Policy */
    keg.querySelector(".fill").style.height = (fraction * 100).toFixed(2) + "%";
  }

  function paintGlass(card, color, colorName) {
    var glass = card.querySelector(".glass");
    glass.setAttribute("data-color", color);
    glass.setAttribute("title", colorName);
    glass.style.setProperty("--beer", color);
    glass.hidden = !color;
  }

  /* Smaller type until the name fits its card: no word wider than the card, at most
     data-fit lines. At the smallest size (SMALLEST of the stylesheet's) a word still too wide
     is cut with an ellipsis. */
  function fit(el) {
    if (el.hidden || !el.clientWidth) { return; }
    var most = Number(el.getAttribute("data-fit")) || 3;
    el.style.fontSize = "";
    el.classList.remove("cut");
    var size = parseFloat(window.getComputedStyle(el).fontSize);
    var smallest = Math.max(MIN_FONT_PX, size * SMALLEST);
    function lines() {
      var height = parseFloat(window.getComputedStyle(el).lineHeight) || size * 1.15;
      return Math.round(el.scrollHeight / height);
    }
    while (size > smallest && (el.scrollWidth > el.clientWidth + 1 || lines() > most)) {
      size = Math.max(smallest, size * 0.92);
      el.style.fontSize = size.toFixed(1) + "px";
    }
    if (el.scrollWidth > el.clientWidth + 1) { el.classList.add("cut"); }
  }

  function fitCard(card) {
    Array.prototype.forEach.call(card.querySelectorAll("[data-fit]"), fit);
  }

  function paint(card, tap) {
    var refit = false;
    card.setAttribute("data-tap-id", String(tap.id));
    ["ok", "low", "kicked", "empty"].forEach(function (state) {
      card.classList.toggle("state-" + state, tap.state === state);
    });
    card.classList.toggle("pouring", tap.pouring);
    FIELDS.forEach(function (name) {
      if (setField(card, name, tap[name] || "") && card.querySelector('[data-field="' + name + '"][data-fit]')) {
        refit = true;
      }
    });
    paintLevel(card, tap.fraction);
    paintGlass(card, tap.color || "", tap.colorName || "");
    return refit;
  }

  function render(taps) {
    var seen = {};
    var relaid = board.getAttribute("data-count") !== String(taps.length);
    board.setAttribute("data-count", String(taps.length));
    taps.forEach(function (tap, index) {
      var card = board.querySelector('article.tap[data-tap-id="' + tap.id + '"]');
      var fresh = !card;
      if (fresh) { card = template.content.firstElementChild.cloneNode(true); }
      var refit = paint(card, tap);
      if (board.children[index] !== card) { board.insertBefore(card, board.children[index] || null); }
      if ((refit || fresh) && !relaid) { fitCard(card); }
      seen[String(tap.id)] = true;
    });
    Array.prototype.slice.call(board.children).forEach(function (child) {
      if (!child.matches("article.tap") || !seen[child.getAttribute("data-tap-id")]) {
        if (taps.length || child.matches("article.tap")) { board.removeChild(child); }
      }
    });
    if (relaid) { fitAll(); }  /* another number of columns: every card has a new width */
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

  function fitAll() {
    Array.prototype.forEach.call(board.querySelectorAll("article.tap"), fitCard);
  }

  Array.prototype.forEach.call(board.querySelectorAll("article.tap"), function (card) {
    var glass = card.querySelector(".glass");
    glass.style.setProperty("--beer", glass.getAttribute("data-color") || "");
    paintLevel(card, Number(card.querySelector(".keg").getAttribute("data-fraction")) || 0);
  });
  fitAll();
  var resized = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(resized);
    resized = window.setTimeout(fitAll, 100);
  });
  if (document.fonts && document.fonts.ready) { document.fonts.ready.then(fitAll); }
  board.setAttribute("data-ready", "1");
  schedule(POLL_MS);
}());
