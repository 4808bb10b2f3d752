// Search as you type on the report form. Without this script the "Zoeken" button does the same:
// the form is posted, the server filters the school's pupils and renders the list again. Here the
// same post happens in the background and only the list is swapped, so nothing typed is touched.
(function () {
    const search = document.getElementById("Search");
    const results = document.getElementById("zoekresultaat");
    if (!search || !results || !window.fetch || !window.DOMParser) return;
    const form = search.form;
    let timer = 0;
    let latest = 0;

    search.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(refresh, 250);
    });

    async function refresh() {
        const request = ++latest;
        const body = new FormData(form);
        try {
            const response = await fetch(form.getAttribute("action") || window.location.pathname, {
                method: "POST", body: body, credentials: "same-origin",
            });
            if (!response.ok || request !== latest) return;
            const page = new DOMParser().parseFromString(await response.text(), "text/html");
            const fresh = page.getElementById("zoekresultaat");
            if (fresh && request === latest) results.innerHTML = fresh.innerHTML;
        } catch {
            // Offline or the server is busy: the "Zoeken" button still works.
        }
    }
})();
