// The print view's 「打印」 button (a file, not an inline handler: the CSP allows only 'self' scripts).
document.querySelectorAll("[data-gbt-print]").forEach(function (button) {
  button.addEventListener("click", function () {
    window.print();
  });
});
