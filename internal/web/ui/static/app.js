// beian UI enhancements. Every page works without this file; it only adds
// live findings in the application wizard and the live footer preview.
// Loaded as an external script so the Content-Security-Policy needs no
// inline script.
(function () {
  "use strict";

  function debounce(fn, ms) {
    var t = null;
    return function () {
      var args = arguments;
      clearTimeout(t);
      t = setTimeout(function () { fn.apply(null, args); }, ms);
    };
  }

  function csrfOf(form) {
    var el = form.querySelector('input[name="csrf"]');
    return el ? el.value : "";
  }

  // Wizard: save the step in the background on change and show the
  // findings returned by the server next to each field.
  function liveWizard(form) {
    var note = form.querySelector(".live-note");
    if (note) { note.hidden = false; }
    var busy = false, again = false;
    function save() {
      if (busy) { again = true; return; }
      busy = true;
      var data = new FormData(form);
      data.set("go", "stay");
      fetch(form.action, {
        method: "POST", body: new URLSearchParams(data), credentials: "same-origin",
        headers: { "X-Requested-With": "fetch", "X-CSRF-Token": csrfOf(form) }
      }).then(function (r) { return r.ok ? r.text() : null; }).then(function (html) {
        if (!html) { return; }
        var doc = new DOMParser().parseFromString(html, "text/html");
        form.querySelectorAll("[data-for]").forEach(function (box) {
          var key = box.getAttribute("data-for");
          var sel = '[data-for="' + CSS.escape(key) + '"]';
          var fresh = doc.querySelector("form.wizard " + sel);
          box.innerHTML = fresh ? fresh.innerHTML : "";
          var field = box.closest(".field");
          if (field) { field.classList.toggle("has-findings", box.children.length > 0); }
        });
        var nav = document.querySelector(".wizard-steps"), freshNav = doc.querySelector(".wizard-steps");
        if (nav && freshNav) { nav.innerHTML = freshNav.innerHTML; }
      }).catch(function () { /* the buttons still work */ }).finally(function () {
        busy = false;
        if (again) { again = false; save(); }
      });
    }
    var later = debounce(save, 250);
    form.addEventListener("change", function (ev) {
      // A choice the inputs below depend on (the service type): save and
      // show the step again with the inputs of the new choice.
      if (ev.target && ev.target.hasAttribute("data-reload")) {
        var stay = form.querySelector('button[value="stay"]');
        if (stay) { stay.click(); return; }
      }
      // A file belongs to its own upload form, not to this one.
      if (ev.target && ev.target.form !== form) { return; }
      later();
    });
  }

  // Footer generator: refresh the preview and the code while typing.
  function liveFooter(form) {
    var out = document.getElementById("snippet-output");
    if (!out) { return; }
    var update = debounce(function () {
      var q = new URLSearchParams(new FormData(form)).toString();
      fetch(form.action + "?" + q, { credentials: "same-origin" }).then(function (r) { return r.text(); }).then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById("snippet-output");
        if (fresh) { out.innerHTML = fresh.innerHTML; }
        if (window.history && history.replaceState) { history.replaceState(null, "", form.action + "?" + q); }
      }).catch(function () { /* the button still works */ });
    }, 300);
    form.addEventListener("input", update);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.wizard[data-live]").forEach(liveWizard);
    var footer = document.getElementById("footer-form");
    if (footer) { liveFooter(footer); }
    var code = document.getElementById("snippet");
    if (code) { code.addEventListener("focus", function () { code.select(); }); }
  });
})();
