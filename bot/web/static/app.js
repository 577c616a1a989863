// Ticks the SLA clocks once a minute (the server renders the first value; this keeps it honest).
(function () {
  function fmt(mins) {
    var m = Math.abs(mins);
    if (m >= 1440) return Math.floor(m / 1440) + "d " + Math.floor((m % 1440) / 60) + "h";
    if (m >= 60) return Math.floor(m / 60) + "h " + (m % 60) + "m";
    return m + "m";
  }
  function tick() {
    document.querySelectorAll(".sla[data-due]").forEach(function (el) {
      if (el.classList.contains("met") || !el.dataset.left) return;
      var left = Math.floor((new Date(el.dataset.due) - new Date()) / 60000);
      var label = el.title || "";
      var tpl = left < 0 ? (el.dataset.over || "-%s") : (el.dataset.left || "%s");
      el.textContent = label + " · " + tpl.replace("%s", fmt(left));
      el.classList.toggle("breached", left < 0);
    });
  }
  setInterval(tick, 60000);
})();

// The inbox stays live: every 20 s the table and counters are re-read from the server.
(function () {
  var table = document.querySelector("[data-testid=inbox]");
  if (!table) return;
  setInterval(function () {
    if (document.hidden) return;
    fetch(location.href, {credentials: "same-origin"}).then(function (r) {
      return r.ok ? r.text() : null;
    }).then(function (html) {
      if (!html) return;
      var doc = new DOMParser().parseFromString(html, "text/html");
      ["[data-testid=inbox]", ".stats"].forEach(function (sel) {
        var fresh = doc.querySelector(sel), old = document.querySelector(sel);
        if (fresh && old) old.replaceWith(fresh);
      });
    }).catch(function () { /* offline for a moment: try again next round */ });
  }, 20000);
})();
