using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using PestWorkflows.Host.Identity;
using PestWorkflows.Host.Shared;

namespace PestWorkflows.Host.Audit;

/// <summary>The audit of one case (<c>/zaken/{id}/audit</c>) for the coordinator and the leader; everyone else gets the case's 404.</summary>
[Authorize(Policy = Policies.SignedInPage)]
public sealed class CaseAuditPageModel(CaseAudit audit) : StaffPageModel
{
    public string CaseId { get; private set; } = "";
    public IReadOnlyList<AuditLineDto> Lines { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken ct)
    {
        if (await audit.ListAsync(Staff, id, ct) is not { } lines) return this.NotFoundPage();
        CaseId = id;
        Lines = lines;
        return Page();
    }
}
