// A file over the limit is named next to its field before anything is sent: a request much larger
// than the limit is refused whole (413) and the form would be lost. The server checks again.
(function () {
    document.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
        const max = Number(input.dataset.maxBytes);
        const errorId = input.id + "-fout";
        function tooLarge() {
            return Array.from(input.files || []).some(function (file) { return file.size > max; });
        }
        function show() {
            let error = document.getElementById(errorId);
            if (tooLarge()) {
                if (!error) {
                    error = document.createElement("span");
                    error.id = errorId;
                    error.className = "field-error";
                    input.insertAdjacentElement("afterend", error);
                }
                error.textContent = input.dataset.tooLarge;
                input.setAttribute("aria-invalid", "true");
                input.setAttribute("aria-describedby", (errorId + " " + (input.getAttribute("aria-describedby") || "")).trim());
            } else if (error) {
                error.remove();
                input.removeAttribute("aria-invalid");
            }
        }
        input.addEventListener("change", show);
        if (input.form) input.form.addEventListener("submit", function (event) {
            if (!tooLarge()) return;
            event.preventDefault();
            show();
            input.focus();
        });
    });
})();
