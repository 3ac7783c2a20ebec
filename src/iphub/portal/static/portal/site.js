// Behaviour every page shares, kept out of the markup: the Content-Security-Policy
// (settings.SECURE_CSP) runs no inline event handlers and no javascript: links.
(function () {
  'use strict';
  // The language menu applies the choice at once (the form still works without script).
  document.querySelectorAll('select[data-submit-on-change]').forEach(function (select) {
    select.addEventListener('change', function () { select.form.submit(); });
  });
  // The menu button is a label for a checkbox; Enter and Space open it like a button.
  document.querySelectorAll('label[data-keyboard-toggle]').forEach(function (label) {
    label.addEventListener('keydown', function (event) {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        label.control.click();
      }
    });
  });
  // "Back" on an error page returns to the page before, as the browser's own button.
  document.querySelectorAll('a[data-history-back]').forEach(function (link) {
    link.addEventListener('click', function (event) {
      event.preventDefault();
      window.history.back();
    });
  });
})();
