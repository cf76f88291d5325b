// Small behaviours of the shell; everything works without them.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-nav-toggle]");
    if (toggle) {
      var open = document.body.classList.toggle("nav-open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    }
  });
  // The school switcher submits on change; the button stays for keyboard and no-JS users.
  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-autosubmit]")) event.target.form.submit();
  });
  // Revealed secrets disappear from the screen after their time is up.
  function arm(root) {
    root.querySelectorAll("[data-expires-in]").forEach(function (el) {
      var seconds = parseInt(el.getAttribute("data-expires-in"), 10);
      var counter = el.querySelector("[data-countdown]");
      var timer = setInterval(function () {
        seconds -= 1;
        if (counter) counter.textContent = String(seconds);
        if (seconds <= 0) {
          clearInterval(timer);
          el.innerHTML = '<span class="muted">Hidden again. Reveal it again if you still need it (it is logged).</span>';
        }
      }, 1000);
    });
  }
  document.addEventListener("htmx:afterSwap", function (event) { arm(event.detail.elt); });
  document.addEventListener("DOMContentLoaded", function () { arm(document); });
})();
