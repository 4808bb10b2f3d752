using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PestWorkflows.Activities.Tasks;
using PestWorkflows.Host.Data;
using PestWorkflows.Host.Documents;

namespace PestWorkflows.Host.Cases;

/// <summary>What the completed steps of a case recorded, as a person reads it; only call for a case the person may see.</summary>
public static class CaseNotes
{
    /// <summary>The notes of each completed step, by task id.</summary>
    public static async Task<IReadOnlyDictionary<string, IReadOnlyList<StepNote>>> LoadAsync(AppDbContext db, string caseId, Dictionary<string, string> names, CancellationToken ct)
    {
        var done = await db.Tasks.AsNoTracking().Where(t => t.CaseId == caseId && t.Status == CaseTaskStatus.Completed && t.ValuesJson != null)
            .Select(t => new { t.Id, t.FieldsJson, t.ValuesJson }).ToListAsync(ct);
        var documents = (await db.Documents.AsNoTracking().Where(d => d.CaseId == caseId && d.TaskId != null).ToListAsync(ct))
            .ToDictionary(d => d.Id, d => CaseDocumentDto.From(d, names));
        var notes = new Dictionary<string, IReadOnlyList<StepNote>>();
        foreach (var step in done)
        {
            if (JsonNode.Parse(step.ValuesJson!) is not JsonObject values) continue;
            notes[step.Id] = TaskForm.Fields(new CaseTask { FieldsJson = step.FieldsJson })
                .Where(f => values[f.Name] is not null)
                .Select(f => f.Type == TaskFieldType.File && values[f.Name] is JsonValue v && v.TryGetValue<string>(out var id) && documents.GetValueOrDefault(id) is { } document
                    ? new StepNote(f.Label, $"{document.FileName} ({document.SizeLabel})", document)
                    : new StepNote(f.Label, Readable(f, values[f.Name]!, names)))
                .ToList();
        }
        return notes;
    }

    private static string Readable(TaskField field, JsonNode value, Dictionary<string, string> names)
    {
        string One(JsonNode? item)
        {
            if (item is not JsonValue v) return item?.ToJsonString() ?? "";
            return v.GetValueKind() switch
            {
                JsonValueKind.True => "ja",
                JsonValueKind.False => "nee",
                JsonValueKind.String when field.Type is TaskFieldType.User or TaskFieldType.Users => names.GetValueOrDefault(v.GetValue<string>()) ?? "onbekend",
                JsonValueKind.String => field.Options?.FirstOrDefault(o => o.Value == v.GetValue<string>())?.Label ?? v.GetValue<string>(),
                _ => v.ToJsonString(),
            };
        }
        return value is JsonArray items ? string.Join(", ", items.Select(One)) : One(value);
    }
}
