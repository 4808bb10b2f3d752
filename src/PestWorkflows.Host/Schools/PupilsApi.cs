using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using PestWorkflows.Host.Data;
using PestWorkflows.Host.Identity;

namespace PestWorkflows.Host.Schools;

public sealed record PupilDto(string Id, string FirstName, string LastName, string Name, string GroupId, string Group);

/// <summary>Pupils of the caller's school, to pick when reporting a signal.</summary>
public static class PupilsApi
{
    public static IEndpointRouteBuilder MapPupilsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/pupils", Search).WithTags("Leerlingen").RequireAuthorization(Policies.Staff).WithName("SearchPupils");
        return app;
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
