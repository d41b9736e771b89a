/* Live updates, as progressive enhancement: pages work without this script.
   When a new ledger entry arrives on the server-sent event stream, fetch this page
   again and swap in the parts marked data-live (tallies, roll calls, speaker lists). */
(function () {
  "use strict";
  if (!window.EventSource || !window.fetch || !window.DOMParser) { return; }
  var parts = document.querySelectorAll("[data-live]");
  if (!parts.length) { return; }
  var pending = null;
  function refresh() {
    pending = null;
    fetch(window.location.href, { headers: { "Accept": "text/html" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var doc = new DOMParser().parseFromString(html, "text/html");
        document.querySelectorAll("[data-live]").forEach(function (el) {
          var fresh = doc.getElementById(el.id);
          if (fresh && fresh.innerHTML !== el.innerHTML) {
            el.innerHTML = fresh.innerHTML;
            el.setAttribute("data-updated", String(Date.now()));
          }
        });
      })
      .catch(function () {});
  }
  function soon() { if (pending === null) { pending = window.setTimeout(refresh, 250); } }
  var source = new EventSource("/api/v1/events/stream");
  source.onmessage = soon;
  ["entry", "ledger", "event"].forEach(function (name) { source.addEventListener(name, soon); });
  source.onopen = function () {
    // anything logged between rendering this page and the stream's start: fetch it now
    soon();
    document.documentElement.setAttribute("data-live-connected", "1");
  };
  window.addEventListener("pagehide", function () { source.close(); });
})();
