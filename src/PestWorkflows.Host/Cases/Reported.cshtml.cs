using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PestWorkflows.Host.Identity;
using PestWorkflows.Host.Shared;

namespace PestWorkflows.Host.Cases;

/// <summary>After reporting: what happens next, by whom, and by when.</summary>
[Authorize(Policy = Policies.SignedInPage)]
public sealed class ReportedModel(CaseService cases, TimeProvider clock) : StaffPageModel
{
    public CaseDto Case { get; private set; } = null!;
    public TaskDto? NextTask { get; private set; }
    public DateTimeOffset Now { get; private set; }

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken ct)
    {
        if (await cases.GetAsync(Staff, id, ct) is not { } found) return this.NotFoundPage();
        Case = found;
        NextTask = found.OpenTasks.OrderBy(t => t.DueAt ?? DateTimeOffset.MaxValue).FirstOrDefault();
        Now = clock.GetUtcNow();
        return Page();
    }
}
