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
      if (el.classList.contains("met")) return;
      var left = Math.floor((new Date(el.dataset.due) - new Date()) / 60000);
      var label = el.title || "";
      el.textContent = label + " · " + (left < 0 ? "-" : "") + fmt(left);
      el.classList.toggle("breached", left < 0);
    });
  }
  setInterval(tick, 60000);
})();
