// Record forms: show an asset's kind-specific fields only for its kind, and say which risk
// class an area gets by default. Without JavaScript every field shows and the server decides.
(function () {
  "use strict";
  function kindFields(form) {
    var kind = form.querySelector("select[name=kind]");
    var inputs = form.querySelectorAll("[data-kinds]");
    if (!kind || !inputs.length) return;
    function apply() {
      inputs.forEach(function (input) {
        var applies = input.getAttribute("data-kinds").split(" ").indexOf(kind.value) >= 0;
        var field = input.closest(".field");
        if (field) field.hidden = !applies;
        input.disabled = !applies; // a hidden field is not posted, so it cannot fail
      });
    }
    kind.addEventListener("change", apply);
    apply();
  }
  function riskDefault(form) {
    var data = document.getElementById("risk-defaults");
    var note = document.getElementById("risk-default");
    var type = form.querySelector("select[name=area_type]");
    var isolated = form.querySelector("input[name=isolated]");
    if (!data || !note || !type) return;
    var defaults = JSON.parse(data.textContent);
    function apply() {
      var d = defaults[type.value];
      if (!d) { note.hidden = true; return; }
      var label = type.options[type.selectedIndex].text;
      note.textContent = "Default risk for " + label.toLowerCase() + (isolated && isolated.checked ? " (isolated)" : "") +
        ": " + (isolated && isolated.checked ? d.isolated : d.plain) + ". Choose another risk class to override it.";
      note.hidden = false;
    }
    type.addEventListener("change", apply);
    if (isolated) isolated.addEventListener("change", apply);
    apply();
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.record-form").forEach(function (form) { kindFields(form); riskDefault(form); });
  });
})();
