using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using PestWorkflows.Engine.Persistence;
using PestWorkflows.Host.Data;
using PestWorkflows.Host.Schools;
using PestWorkflows.Host.Shared;
using PestWorkflows.Host.Identity;

namespace PestWorkflows.Host.Designer;

/// <summary>
/// The designer's pages, each one Elsa Studio custom element: <c>/designer/</c> the school's
/// workflow definitions, <c>/designer/werkstroom/{id}</c> one in the editor, <c>/designer/zaken</c>
/// the instances, <c>/designer/zaken/{id}</c> one instance's flow. The Studio talks to
/// <c>/elsa/api</c> on this origin with the same cookie.
/// </summary>
[Authorize(Policy = Policies.DesignerPage)]
public sealed class DesignerPageModel(StudioFiles studio, AppDbContext db, WorkflowDefinitionStore definitions, WorkflowInstanceStore instances) : StaffPageModel
{
    public DesignerElement Element { get; private set; }
    public string? Id { get; private set; }
    public bool StudioAvailable => studio.IsAvailable;
    public string SchoolName { get; private set; } = "";

    public string Title => Element switch
    {
        DesignerElement.DefinitionEditor => $"Ontwerper · {Id}",
        DesignerElement.InstanceList => "Zaken in de werkstroom",
        DesignerElement.InstanceViewer => "Verloop van een zaak",
        _ => "Ontwerper",
    };

    /// <summary>The custom elements need an absolute address (they build a <c>Uri</c> from it).</summary>
    public string RemoteEndpoint => $"{Request.Scheme}://{Request.Host}{Request.PathBase}/elsa/api";

    public async Task<IActionResult> OnGetAsync(string? view, string? id, CancellationToken ct)
    {
        // Blazor starts only on an address inside its base (/designer/).
        if (Request.Path.Value == "/designer") return LocalRedirect("/designer/");
        (Element, Id) = (view, string.IsNullOrWhiteSpace(id) ? null : id) switch
        {
            (null, null) => (DesignerElement.DefinitionList, null),
            ("werkstroom", { } definitionId) => (DesignerElement.DefinitionEditor, definitionId),
            ("zaken", null) => (DesignerElement.InstanceList, null),
            ("zaken", { } instanceId) => (DesignerElement.InstanceViewer, instanceId),
            _ => (DesignerElement.DefinitionList, (string?)null),
        };
        if (view == "werkstroom" && Id is null) return LocalRedirect("/designer/");
        // Another school's definition or case is not there for this designer, as in the Elsa API behind the page.
        var tenant = SchoolTenant.Of(Staff.SchoolId);
        if (Element == DesignerElement.InstanceViewer && await instances.FindAsync(tenant, Id!, ct) is null) return this.NotFoundPage();
        if (Element == DesignerElement.DefinitionEditor && await definitions.FindAsync(tenant, Id!, VersionOptions.Latest, ct) is null) return this.NotFoundPage();
        SchoolName = await db.Schools.Where(s => s.Id == Staff.SchoolId).Select(s => s.Name).FirstOrDefaultAsync(ct) ?? "";
        return Page();
    }
}
