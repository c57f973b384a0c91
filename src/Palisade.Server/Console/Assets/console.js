// Palisade console: the only script, loaded from this origin (the CSP allows no inline script and no eval).
// It never builds HTML from data: everything it writes goes in as text.
"use strict";
(function () {
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
