/* The report form: hide the name and contact fields while "anonymous" is ticked. Without
   JavaScript they stay visible and the server ignores them for an anonymous submission. */
(function () {
  "use strict";
  var box = document.getElementById("id_is_anonymous");
  var fields = document.querySelector("[data-identity-fields]");
  if (!box || !fields) {
    return;
  }
  function sync() {
    fields.hidden = box.checked;
  }
  box.addEventListener("change", sync);
  sync();
})();
