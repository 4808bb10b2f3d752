using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PestWorkflows.Engine.Persistence;
using PestWorkflows.Engine.Runtime;
using PestWorkflows.Engine.Serialization;
using PestWorkflows.Host.Data;

namespace PestWorkflows.Host.Schools;

/// <summary>
/// Gives every school its own published copy of the protocol (<c>pestprotocol-{schoolId}</c>),
/// made from the shared template (<c>workflows/pestprotocol.json</c>), so one school's coordinator
/// can change their flow without touching another school's. The copy belongs to the school's tenant
/// (<see cref="SchoolTenant"/>), which keeps it and its instances to that school. The
/// prefix <see cref="CopyPrefix"/> is reserved for these copies. An existing copy is never overwritten.
/// </summary>
public sealed class SchoolProtocols(WorkflowDefinitionStore definitions, ILogger<SchoolProtocols> logger)
{
    public const string TemplateDefinitionId = "pestprotocol";

    /// <summary>Definition ids of the schools' own copies start with this; no other definition may.</summary>
    public const string CopyPrefix = TemplateDefinitionId + "-";

    /// <summary>The definition id of a school's own copy.</summary>
    public static string CopyIdOf(string schoolId) => CopyPrefix + schoolId;

    public async Task EnsureAsync(AppDbContext db, CancellationToken ct)
    {
        var template = await definitions.FindAsync(Tenants.Shared, TemplateDefinitionId, VersionOptions.Published, ct);
        if (template is null)
        {
            logger.LogWarning("No published '{Template}' definition; schools get no protocol until workflows/pestprotocol.json loads", TemplateDefinitionId);
            return;
        }
        foreach (var school in await db.Schools.AsNoTracking().ToListAsync(ct))
        {
            var tenantId = SchoolTenant.Of(school.Id);
            if (await definitions.FindAsync(tenantId, school.ProtocolDefinitionId, VersionOptions.LatestOrPublished, ct) is not null) continue;
            var copy = WorkflowDefinitionJson.Parse(template.Json);
            foreach (var identity in new[] { "id", "tenantId", "version", "isLatest", "isPublished", "createdAt" }) copy.Remove(identity);
            copy["definitionId"] = school.ProtocolDefinitionId;
            copy["name"] = $"Pestprotocol {school.Name}";
            SetSchoolDayEnd(copy, school.SchoolDayEnd);
            await definitions.ImportAsync(tenantId, copy, publish: true, ct);
            logger.LogInformation("Protocol {DefinitionId} created for school {SchoolId}", school.ProtocolDefinitionId, school.Id);
        }
    }

    /// <summary>The school's end of day goes into step 1's input, where the designer shows it.</summary>
    private static void SetSchoolDayEnd(JsonObject definition, TimeOnly end)
    {
        foreach (var activity in (definition["root"]?["activities"] as JsonArray ?? []).OfType<JsonObject>())
            if ((string?)activity["type"] == "Pestprotocol.DiscussWithCoordinator")
                activity["schoolDayEnd"] = new JsonObject
                {
                    ["typeName"] = "String",
                    ["expression"] = new JsonObject { ["type"] = "Literal", ["value"] = end.ToString("HH:mm") },
                };
    }
}
