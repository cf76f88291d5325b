// Check-in: show the part of the form for the chosen way of reading the ID, and keep the
// scan box focused so a keyboard-wedge scanner types into it. Without JS every part shows.
(function () {
  const form = document.querySelector("[data-checkin]");
  if (!form) return;
  const parts = form.querySelectorAll("[data-source]");
  function show() {
    const chosen = form.querySelector("input[name=id_source]:checked");
    const value = chosen ? chosen.value : "scan";
    parts.forEach(function (part) {
      const wanted = part.dataset.source.split(" ");
      part.hidden = wanted.indexOf(value) === -1;
    });
    if (value === "scan") {
      const scan = form.querySelector("textarea[data-scan]");
      if (scan && !scan.value) scan.focus();
    }
  }
  form.querySelectorAll("input[name=id_source]").forEach(function (radio) {
    radio.addEventListener("change", show);
  });
  show();
})();
