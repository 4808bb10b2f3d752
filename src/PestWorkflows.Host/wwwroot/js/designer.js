// Elsa Studio's custom elements call back into the page: a definition chosen in the list opens
// in the editor; an instance chosen in the list opens in the viewer. The callbacks are set once
// the element is defined (Blazor registers it after its runtime started); set earlier, they would
// shadow the element's own properties and never be called.
(function () {
    const studio = document.getElementById('studio');
    if (!studio) return;
    customElements.whenDefined(studio.localName).then(() => {
        studio.editWorkflowDefinition = (definitionId) => { window.location.href = '/designer/werkstroom/' + encodeURIComponent(definitionId); };
        studio.viewWorkflowInstance = (instanceId) => { window.location.href = '/designer/zaken/' + encodeURIComponent(instanceId); };
    });
})();
