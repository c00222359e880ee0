// Submit a form when one of its <select data-autosubmit> changes (no inline handlers: the
// Content-Security-Policy allows scripts from this site only).
document.addEventListener("change", function (e) {
  var el = e.target;
  if (el && el.matches && el.matches("select[data-autosubmit]") && el.form) {
    el.form.submit();
  }
});
