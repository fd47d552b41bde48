// The inspection form: add finding forms from the formset's empty form, and filter the long
// list of legal provisions as the inspector types. Without JavaScript the form still works
// (two finding forms, every provision listed).
"use strict";

(function () {
  function setUpPicker(root) {
    var input = root.querySelector("[data-filter-input]");
    var label = root.querySelector("[data-filter-label]");
    if (!input || input.dataset.ready) return;
    input.dataset.ready = "1";
    input.hidden = false;
    if (label) label.hidden = false;
    input.addEventListener("input", function () {
      var query = input.value.trim().toLowerCase();
      root.querySelectorAll("fieldset.field__choices label.field__choice").forEach(function (item) {
        var box = item.querySelector("input");
        var match = !query || item.textContent.toLowerCase().indexOf(query) !== -1;
        // Ticked provisions stay visible so the inspector sees what is chosen.
        item.hidden = !match && !(box && box.checked);
      });
    });
  }

  // A printed text's length, counted as the browser counts it against maxlength, shown under
  // the field while the inspector writes (the sentence comes translated from the page).
  function setUpCounter(field) {
    if (field.dataset.countReady || !field.maxLength || field.maxLength < 0) return;
    field.dataset.countReady = "1";
    var note = document.createElement("p");
    note.className = "note";
    note.setAttribute("aria-live", "polite");
    note.setAttribute("data-char-count-for", field.name);
    field.insertAdjacentElement("afterend", note);
    function show() {
      note.textContent = field.dataset.charCount
        .replace("%(count)s", String(field.value.length))
        .replace("%(limit)s", String(field.maxLength));
    }
    field.addEventListener("input", show);
    show();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-provision-picker]").forEach(setUpPicker);
    document.querySelectorAll("textarea[data-char-count]").forEach(setUpCounter);

    var button = document.querySelector("[data-add-finding]");
    var template = document.querySelector("[data-finding-template]");
    var list = document.querySelector("[data-findings]");
    var total = document.querySelector("input[name='findings-TOTAL_FORMS']");
    var max = document.querySelector("input[name='findings-MAX_NUM_FORMS']");
    if (!button || !template || !list || !total) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      if (max && index >= parseInt(max.value, 10)) return;
      var html = template.innerHTML
        .replace(/__prefix__/g, String(index))
        .replace(/__num__/g, String(index + 1));
      var holder = document.createElement("div");
      holder.innerHTML = html;
      var fieldset = holder.firstElementChild;
      list.appendChild(fieldset);
      total.value = String(index + 1);
      fieldset.querySelectorAll("[data-provision-picker]").forEach(setUpPicker);
      fieldset.querySelectorAll("textarea[data-char-count]").forEach(setUpCounter);
      var first = fieldset.querySelector("select, textarea, input:not([type=hidden])");
      if (first) first.focus();
    });
  });
})();
