// Palisade console: the only script, loaded from this origin (the CSP allows no inline script and no eval).
// It never builds HTML from data: everything it writes goes in as text.
"use strict";
(function () {
  // Saved searches: kept in this browser, per user name (the server never sees them).
  function savedKey() {
    var who = document.querySelector("header.top .who a");
    return "palisade.searches." + (who ? who.textContent : "");
  }
  function loadSaved() {
    try { return JSON.parse(localStorage.getItem(savedKey()) || "[]"); } catch (e) { return []; }
  }
  function showSaved() {
    var nav = document.getElementById("saved-searches");
    if (!nav) { return; }
    nav.textContent = "";
    var list = loadSaved();
    if (list.length === 0) { return; }
    var label = document.createElement("span");
    label.textContent = "Saved searches: ";
    nav.appendChild(label);
    list.forEach(function (s, i) {
      var a = document.createElement("a");
      a.href = s.query.indexOf("/devices") === 0 ? s.query : "/devices";
      a.textContent = s.name;
      nav.appendChild(a);
      var del = document.createElement("button");
      del.type = "button";
      del.className = "link";
      del.textContent = "(forget)";
      del.setAttribute("aria-label", "Forget the saved search " + s.name);
      del.addEventListener("click", function () {
        var now = loadSaved();
        now.splice(i, 1);
        localStorage.setItem(savedKey(), JSON.stringify(now));
        showSaved();
      });
      nav.appendChild(del);
      nav.appendChild(document.createTextNode(" "));
    });
  }
  document.querySelectorAll("button.save-search").forEach(function (b) {
    b.addEventListener("click", function () {
      var name = window.prompt("Name this search", b.getAttribute("data-filter") || "all devices");
      if (!name) { return; }
      var list = loadSaved().filter(function (s) { return s.name !== name; });
      list.push({ name: name.slice(0, 80), query: b.getAttribute("data-query") || "/devices" });
      localStorage.setItem(savedKey(), JSON.stringify(list.slice(-20)));
      showSaved();
    });
  });
  showSaved();

  // Live regions: an element with data-live="URL" is refreshed from URL (a fragment rendered by the server)
  // every few seconds, for a bounded time; the fragment replaces the element's children.
  document.querySelectorAll("[data-live]").forEach(function (el) {
    var url = el.getAttribute("data-live");
    var every = parseInt(el.getAttribute("data-every") || "3000", 10);
    var until = Date.now() + parseInt(el.getAttribute("data-for") || "600000", 10);
    function tick() {
      if (Date.now() > until) {
        var note = document.createElement("p");
        note.className = "help";
        note.textContent = "Live updates paused; reload the page to resume.";
        el.appendChild(note);
        return;
      }
      fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
        .then(function (html) {
          var doc = new DOMParser().parseFromString(html, "text/html");
          var fresh = doc.body.firstElementChild;
          if (fresh) { el.replaceChildren.apply(el, Array.prototype.slice.call(fresh.childNodes)); }
          setTimeout(tick, every);
        })
        .catch(function () { setTimeout(tick, every * 4); });
    }
    setTimeout(tick, every);
  });
})();
