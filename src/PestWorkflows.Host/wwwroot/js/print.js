// "Afdrukken" buttons: the page's Content-Security-Policy allows no inline handlers, so the click is bound here.
// Without script the button stays hidden; the browser's own print menu still works.
(function () {
    document.querySelectorAll("button[data-print]").forEach(function (button) {
        button.hidden = false;
        button.addEventListener("click", function () { window.print(); });
    });
})();
