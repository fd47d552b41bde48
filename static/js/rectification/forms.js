// After a refused submission, move keyboard and screen-reader focus to the error summary so
// the person hears what to fix (the summary links to each field).
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
});
