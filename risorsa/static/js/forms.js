/* Forms: after a refused submit, the error summary (partials/form_errors.html) takes the focus, so
   that a keyboard or a screen reader starts from what is wrong; a link of the summary puts the
   focus in its field and shows the field's label. Bound from data- attributes: the
   Content-Security-Policy allows no inline script. */
(function () {
  "use strict";

  function focusSummary(root) {
    var summary = root.querySelector ? root.querySelector("[data-error-summary]") : null;
    if (summary) {
      summary.focus();
    }
  }

  document.addEventListener("DOMContentLoaded", function () { focusSummary(document); });
  // A form swapped in by HTMX (a row of a table) with its errors.
  document.addEventListener("htmx:load", function (event) { focusSummary(event.target); });

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("[data-error-summary] a[href^='#']") : null;
    if (!link) {
      return;
    }
    var field = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    if (!field) {
      return;
    }
    event.preventDefault();
    var label = field.id ? document.querySelector("label[for='" + field.id.replace(/'/g, "\\'") + "']") : null;
    var legend = field.closest("fieldset") ? field.closest("fieldset").querySelector("legend") : null;
    (legend || label || field).scrollIntoView({ block: "start" });
    field.focus({ preventScroll: true });
  });
})();
