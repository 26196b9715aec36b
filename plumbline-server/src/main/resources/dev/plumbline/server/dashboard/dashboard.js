// Progressive enhancement only: every page works without this file.
// The cluster selector switches on change (without script, its button does).
document.addEventListener("change", function (e) {
  var t = e.target;
  if (t && t.hasAttribute && t.hasAttribute("data-autosubmit") && t.form) {
    t.form.submit();
  }
});
