using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using PestWorkflows.Host.Access;
using PestWorkflows.Host.Data;
using PestWorkflows.Host.Identity;

namespace PestWorkflows.Host.Retention;

/// <summary>/instellingen/bewaartermijn: the school's admin sets how many years closed cases are kept.</summary>
[Authorize(Policy = Policies.SignedInPage)]
public sealed class RetentionPageModel(AppDbContext db) : StaffPageModel
{
    [BindProperty]
    public int? Years { get; set; }
    public string? Error { get; private set; }
    public bool Saved { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!AccessRules.MayManageSchoolSettings(Staff)) return Forbid();
        Years = await db.Schools.Where(s => s.Id == Staff.SchoolId).Select(s => s.RetentionYears).FirstAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!AccessRules.MayManageSchoolSettings(Staff)) return Forbid();
        if (Years is not { } years || !RetentionPeriod.IsValid(years))
        {
            Error = RetentionApi.InvalidYears;
            return Page();
        }
        var school = await db.Schools.FirstAsync(s => s.Id == Staff.SchoolId, ct);
        school.RetentionYears = years;
        await db.SaveChangesAsync(ct);
        Saved = true;
        return Page();
    }
}
