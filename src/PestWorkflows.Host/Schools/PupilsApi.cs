using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using PestWorkflows.Host.Data;
using PestWorkflows.Host.Api;
using PestWorkflows.Host.Identity;
using PestWorkflows.Host.Pupils;
using PestWorkflows.Host.Audit;
using PestWorkflows.Host.Pupils.AccessExport;

namespace PestWorkflows.Host.Schools;

public sealed record PupilDto(string Id, string FirstName, string LastName, string Name, string GroupId, string Group);

/// <summary>Pupils of the caller's school, to pick when reporting a signal.</summary>
public static class PupilsApi
{
    public static IEndpointRouteBuilder MapPupilsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/pupils", Search).WithTags("Leerlingen").RequireAuthorization(Policies.Staff).WithName("SearchPupils");
        app.MapGet("/api/pupils/{id}/cases", Chronology).WithTags("Leerlingen").RequireAuthorization(Policies.Staff).WithName("PupilCases")
            .WithSummary("De zaken van één leerling met de rol in elke zaak, en hun tijdlijn.");
        app.MapGet("/api/pupils/{id}/access-export", AccessExport).WithTags("Leerlingen").RequireAuthorization(Policies.Staff).WithName("PupilAccessExport")
            .WithSummary("Inzageverzoek (AVG art. 15): alles over één leerling als ZIP met inzage.html en gegevens.json; andere leerlingen als \"andere leerling\".");
        return app;
    }

    /// <summary>What the pupil's page shows; a pupil this person may not open is "not found", as one that does not exist.</summary>
    private static async Task<Results<Ok<PupilChronology>, ProblemHttpResult>> Chronology(
        string id, Staff staff, PupilService pupils, AppDbContext db, AuditTrail audit, CancellationToken ct)
    {
        if (await pupils.ChronologyAsync(staff, id, ct) is not { } found)
            return TypedResults.Problem(Problems.NotFound("Deze leerling bestaat niet of je mag hem niet zien."));
        await audit.RecordAsync(db, staff, AuditActions.PupilRecordViewed, AuditResource.Pupil(id), ct);
        return TypedResults.Ok(found);
    }

    /// <summary>Coordinator and leader of the pupil's school only: another school's pupil is "not found", another role "forbidden".</summary>
    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> AccessExport(
        string id, Staff staff, AccessExportBuilder exports, CancellationToken ct)
    {
        var (refusal, pupil) = await exports.CheckAsync(staff, id, ct);
        if (refusal == AccessExportRefusal.NotFound || pupil is null)
            return TypedResults.Problem(Problems.NotFound("Deze leerling bestaat niet of je mag hem niet zien."));
        if (refusal == AccessExportRefusal.Forbidden)
            return TypedResults.Problem(Problems.Forbidden("Alleen de anti-pestcoördinator en de directie van de school beantwoorden een inzageverzoek."));
        var (zip, fileName) = await exports.ExportAsync(staff, pupil, ct);
        return TypedResults.File(zip, "application/zip", fileName);
    }

    private static async Task<Ok<IReadOnlyList<PupilDto>>> Search(
        string? search, Staff staff, AppDbContext db, CancellationToken ct)
    {
        var query = from p in db.Pupils.AsNoTracking()
                    join g in db.Groups on p.GroupId equals g.Id
                    where p.SchoolId == staff.SchoolId
                    select new { p, g };
        if (!string.IsNullOrWhiteSpace(search))
        {
            var term = search.Trim().ToLower();
            query = query.Where(x => (x.p.FirstName + " " + x.p.LastName).ToLower().Contains(term) || x.g.Name.ToLower().Contains(term));
        }
        var pupils = await query.OrderBy(x => x.g.Year).ThenBy(x => x.p.LastName).ThenBy(x => x.p.FirstName).Take(200)
            .Select(x => new PupilDto(x.p.Id, x.p.FirstName, x.p.LastName, x.p.FirstName + " " + x.p.LastName, x.g.Id, x.g.Name))
            .ToListAsync(ct);
        return TypedResults.Ok<IReadOnlyList<PupilDto>>(pupils);
    }
}
