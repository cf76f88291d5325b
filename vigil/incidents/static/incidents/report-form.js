// The incident report form: add and remove rows of people and notifications, and filter the
// full NIBRS list. Everything works without it except adding rows (the page then offers one
// blank row of each kind).
(function () {
  "use strict";
  function nextNumber(list) {
    var highest = -1;
    list.querySelectorAll("[data-row]").forEach(function (row) {
      highest = Math.max(highest, parseInt(row.getAttribute("data-row"), 10));
    });
    return highest + 1;
  }
  document.addEventListener("click", function (event) {
    var add = event.target.closest("[data-add-row]");
    if (add) {
      var kind = add.getAttribute("data-add-row");
      var list = document.getElementById(kind + "-rows");
      var template = document.getElementById(kind + "-blank");
      var n = String(nextNumber(list));
      var html = template.innerHTML.split("__n__").join(n).split("__N__").join(String(Number(n) + 1));
      list.insertAdjacentHTML("beforeend", html);
      var rows = list.querySelectorAll("[data-row]");
      var first = rows[rows.length - 1].querySelector("select, input");
      if (first) first.focus();
      return;
    }
    var remove = event.target.closest("[data-remove-row]");
    if (remove) {
      var row = remove.closest("[data-row]");
      row.remove();
    }
  });
  document.addEventListener("input", function (event) {
    if (!event.target.matches("[data-filter-offences]")) return;
    var words = event.target.value.toLowerCase().trim();
    document.querySelectorAll("#nibrs-all li").forEach(function (item) {
      item.hidden = words !== "" && item.textContent.toLowerCase().indexOf(words) === -1;
    });
  });
})();
