// Bulk import: poll the job's progress and reload the page when the step is over.
"use strict";

(function () {
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.querySelector("[data-import-progress]");
    if (!box) return;
    var bar = box.querySelector("[data-progress-bar]");
    var text = box.querySelector("[data-progress-text]");
    var template = text.textContent;

    function poll() {
      fetch(box.dataset.url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (state) {
          if (state.status !== "checking" && state.status !== "applying") {
            window.location.reload();
            return;
          }
          if (state.total) {
            bar.max = state.total;
            bar.value = state.done;
            text.textContent = template
              .replace(/\d+\s*\/\s*(\d+|\?)/, state.done + " / " + state.total);
          }
          window.setTimeout(poll, 1000);
        })
        .catch(function () { window.setTimeout(poll, 3000); });
    }
    window.setTimeout(poll, 500);
  });
})();
