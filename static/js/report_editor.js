/* Report pages: small progressive enhancements. Every action works without this file. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Ask before deleting an item, submitting or approving.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });

  var editor = document.getElementById("report-editor");
  if (!editor) {
    return;
  }

  // Text fields grow with their text, so a whole item is readable without scrolling inside it.
  function fit(field) {
    field.rows = 2;
    field.style.height = "auto";
    field.style.height = field.scrollHeight + 2 + "px";
  }
  editor.querySelectorAll("textarea").forEach(fit);
  editor.addEventListener("input", function (event) {
    if (event.target.matches("textarea")) {
      fit(event.target);
    }
  });
  // A phone turned upright wraps the text onto more lines: fit again, or the end is cut off.
  var lastWidth = window.innerWidth;
  var refit = null;
  window.addEventListener("resize", function () {
    if (window.innerWidth === lastWidth) {
      return; // only the height changed (a phone's on-screen keyboard): nothing rewraps
    }
    lastWidth = window.innerWidth;
    window.clearTimeout(refit);
    refit = window.setTimeout(function () {
      editor.querySelectorAll("textarea").forEach(fit);
    }, 100);
  });

  // Insert a placeholder where the cursor was in the last text field used.
  var lastField = null;
  editor.addEventListener("focusin", function (event) {
    if (event.target.matches("textarea")) {
      lastField = event.target;
    }
  });
  editor.querySelectorAll("[data-insert]").forEach(function (button) {
    button.addEventListener("click", function () {
      if (!lastField) {
        window.alert("请先在左侧条目中点击要插入的位置，再点“插入”。");
        return;
      }
      var token = button.getAttribute("data-insert");
      var start = lastField.selectionStart;
      var end = lastField.selectionEnd;
      var text = lastField.value;
      lastField.value = text.slice(0, start) + token + text.slice(end);
      lastField.focus();
      lastField.selectionStart = lastField.selectionEnd = start + token.length;
      lastField.dispatchEvent(new Event("input", { bubbles: true }));
    });
  });

  // After a refused save, bring the first field to fix into view.
  var invalid = editor.querySelector(".is-invalid");
  if (invalid) {
    invalid.scrollIntoView({ block: "center" });
    invalid.focus({ preventScroll: true });
  }

  // Warn before leaving with unsaved changes.
  var dirty = false;
  var notice = editor.querySelector(".editor-dirty");
  editor.addEventListener("input", function () {
    dirty = true;
    if (notice) {
      notice.hidden = false;
    }
  });
  editor.addEventListener("submit", function () {
    dirty = false;
  });
  window.addEventListener("beforeunload", function (event) {
    if (dirty) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
