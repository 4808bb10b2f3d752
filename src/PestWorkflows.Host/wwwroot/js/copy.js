// "Kopieer" next to a text to paste elsewhere (the ESIS texts): the clipboard where the browser allows it,
// otherwise the text is selected so Ctrl+C (or the menu) copies it. The buttons stay hidden without script;
// the text can then be selected by hand.
(function () {
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
        const source = document.getElementById(button.dataset.copy);
        const status = button.nextElementSibling && button.nextElementSibling.classList.contains("copy-status") ? button.nextElementSibling : null;
        if (!source) return;
        function say(text) { if (status) status.textContent = text; }
        function select() {
            const range = document.createRange();
            range.selectNodeContents(source);
            const selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
            source.focus();
            say("De tekst is geselecteerd: kopieer hem met Ctrl+C.");
        }
        button.hidden = false;
        button.addEventListener("click", function () {
            if (!navigator.clipboard || !window.isSecureContext) { select(); return; }
            navigator.clipboard.writeText(source.textContent).then(function () {
                say("Gekopieerd.");
            }, select);
        });
    });
})();
