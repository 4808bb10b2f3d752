using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PestWorkflows.Activities.Tasks;
using PestWorkflows.Host.Access;
using PestWorkflows.Host.Cases;
using PestWorkflows.Host.Api;
using PestWorkflows.Host.Data;
using PestWorkflows.Host.Documents;
using PestWorkflows.Host.Identity;
using PestWorkflows.Host.Shared;

namespace PestWorkflows.Host.Inbox;

/// <summary>
/// One task: its form, generated from the task's own fields, its outcome buttons, and the case
/// beside it. A task of another school, or of a case the person has no part in, does not exist.
/// </summary>
[Authorize(Policy = Policies.SignedInPage)]
[RequestSizeLimit(RequestBodyLimits.DocumentUpload)] // the form may carry a document (a file field)
public sealed class TaskPageModel(TaskService tasks, CaseService cases, CaseDocuments documents, IAuthorizationService authorization, AppDbContext db, TimeProvider clock) : StaffPageModel
{
    /// <summary>Form fields carry this prefix, so a field named like the page's own inputs cannot clash.</summary>
    public const string FieldPrefix = "veld.";

    public TaskDto Current { get; private set; } = null!;
    public CaseDto? Case { get; private set; }
    public bool MayAct { get; private set; }
    public bool IsMine { get; private set; }
    /// <summary>The person may hand this open task to someone else (coordinator, leader).</summary>
    public bool MayAssign { get; private set; }
    public DateTimeOffset Now { get; private set; }
    public Dictionary<string, string[]> Errors { get; private set; } = new();
    public string? Problem { get; private set; }
    [TempData] public string? Message { get; set; }
    /// <summary>What the person typed into a task someone else completed meanwhile (label, value), so it is not lost.</summary>
    public IReadOnlyList<(string Label, string Value)> Unsaved { get; private set; } = [];

    /// <summary>What each earlier step of the case recorded, by task id; only for those who may see the case.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<StepNote>> Notes { get; private set; } = new Dictionary<string, IReadOnlyList<StepNote>>();

    /// <summary>Documents uploaded with a form that came back with errors, by field: sent again with the form, not chosen again.</summary>
    public Dictionary<string, CaseDocumentDto> Kept { get; private set; } = new();

    /// <summary>Whether the form carries files (multipart).</summary>
    public bool HasFileField => Current.Fields.Any(f => f.Type == FileFieldType);

    public const string FileFieldType = "file";

    public string? Error(string field) => Errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    /// <summary>What was posted for a field (kept when the form comes back with errors).</summary>
    public IReadOnlyList<string> Posted(string field) =>
        Request.HasFormContentType && Request.Form.TryGetValue(FieldPrefix + field, out var values) ? values.OfType<string>().ToList() : [];

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken ct)
    {
        return await LoadAsync(id, ct) ? Page() : this.NotFoundPage();
    }

    public async Task<IActionResult> OnPostAsync(string id, string? outcome, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return this.NotFoundPage();

        var result = new JsonObject();
        if (outcome is { Length: > 0 }) result["outcome"] = outcome;
        foreach (var field in Current.Fields) if (Value(field) is { } value) result[field.Name] = value;

        // A file is stored before the step and named in its result by id; the step links it to the task.
        var uploaded = MayAct ? await UploadAsync(Staff, result, ct) : [];
        if (Errors.Count > 0)
        {
            foreach (var document in uploaded) await documents.RemoveUnlinkedAsync(document.Id, CancellationToken.None);
            Problem = "De taak is nog niet afgerond: vul aan wat hieronder staat.";
            await KeepAsync(Staff, result, ct);
            return Page();
        }
        TaskOperationResult done;
        try
        {
            done = await tasks.CompleteAsync(Staff, id, result, ct);
        }
        catch
        {
            foreach (var document in uploaded) await documents.RemoveUnlinkedAsync(document.Id, CancellationToken.None);
            throw;
        }
        // A form sent back to be completed keeps its documents; otherwise what no step took up goes.
        if (done.Failure is not (TaskFailure.None or TaskFailure.Invalid))
            foreach (var document in uploaded) await documents.RemoveUnlinkedAsync(document.Id, CancellationToken.None);
        switch (done.Failure)
        {
            case TaskFailure.None:
                Message = "Je hebt de taak afgerond.";
                // A GET after the post: a refresh does not send the form again, and shows the next step.
                return LocalRedirect($"/taken/{Uri.EscapeDataString(id)}");
            case TaskFailure.NotFound:
                return this.NotFoundPage();
            case TaskFailure.Invalid:
                Errors = done.Errors ?? new();
                Problem = "De taak is nog niet afgerond: vul aan wat hieronder staat.";
                break;
            default:
                Problem = done.Message;
                break;
        }
        await LoadAsync(id, ct); // someone else may have completed it meanwhile: show it as it is now
        if (done.Failure == TaskFailure.Invalid) await KeepAsync(Staff, result, ct);
        if (done.Failure == TaskFailure.NotOpen && Current.Status != nameof(CaseTaskStatus.Open))
        {
            Problem = Current.CompletedBy is { } by && by.Id != Staff.Id
                ? $"{by.Name} heeft deze taak net afgerond. Wat jij invulde is niet opgeslagen; je ziet het hieronder nog."
                : "Deze taak is al afgerond. Wat je nu invulde is niet opgeslagen; je ziet het hieronder nog.";
            Unsaved = Current.Fields.Where(f => f.Type != FileFieldType).Select(f => (f.Label, string.Join(", ", Posted(f.Name).Select(v => f.Options?.FirstOrDefault(o => o.Value == v)?.Label ?? v))))
                .Where(f => f.Item2.Length > 0).ToList();
        }
        return Page();
    }

    public Task<IActionResult> OnPostClaimAsync(string id, CancellationToken ct) =>
        ChangeAsync(id, () => tasks.ClaimAsync(Staff, id, ct), "Je hebt de taak opgepakt.", ct);

    public Task<IActionResult> OnPostReleaseAsync(string id, CancellationToken ct) =>
        ChangeAsync(id, () => tasks.ReleaseAsync(Staff, id, ct), "Je hebt de taak teruggegeven.", ct);

    /// <summary>"person:{id}" or "role:{role}", as the assign form's list posts it.</summary>
    [BindProperty(Name = "aan")] public string? AssignTo { get; set; }
    [BindProperty(Name = "reden")] public string? AssignReason { get; set; }

    /// <summary>Whom the task can be handed to: the roles, then the school's staff.</summary>
    public IReadOnlyList<(string Value, string Label)> AssignOptions { get; private set; } = [];

    public Task<IActionResult> OnPostAssignAsync(string id, CancellationToken ct)
    {
        var request = AssignTo switch
        {
            { } to when to.StartsWith("person:", StringComparison.Ordinal) => new AssignTaskRequest(to["person:".Length..], null, AssignReason),
            { } to when to.StartsWith("role:", StringComparison.Ordinal) => new AssignTaskRequest(null, to["role:".Length..], AssignReason),
            _ => new AssignTaskRequest(null, null, AssignReason),
        };
        return ChangeAsync(id, () => tasks.AssignAsync(Staff, id, request, ct), "Je hebt de taak toegewezen.", ct);
    }

    private async Task<IActionResult> ChangeAsync(string id, Func<Task<TaskOperationResult>> change, string done, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return this.NotFoundPage();
        var result = await change();
        if (result.Failure == TaskFailure.None)
        {
            Message = done;
            return LocalRedirect($"/taken/{Uri.EscapeDataString(id)}");
        }
        if (result.Failure == TaskFailure.NotFound) return this.NotFoundPage();
        Problem = result.Message;
        Errors = result.Errors ?? new();
        await LoadAsync(id, ct);
        return Page();
    }

    /// <summary>Loads the task and its case; false when this person may neither act on the task nor see its case.</summary>
    private async Task<bool> LoadAsync(string id, CancellationToken ct)
    {
        var task = await tasks.FindAsync(Staff, id, ct);
        if (task is null || !(await authorization.AuthorizeAsync(User, task, AccessOperations.SeeTask)).Succeeded) return false;
        MayAct = AccessRules.MayActOn(Staff, task) && task.Status == CaseTaskStatus.Open;
        MayAssign = AccessRules.MayAssign(Staff, task) && task.Status == CaseTaskStatus.Open;
        IsMine = task.AssigneeUserId == Staff.Id;
        Case = await cases.GetAsync(Staff, task.CaseId, ct);
        Now = clock.GetUtcNow();
        var names = await cases.NamesAsync(Staff.SchoolId, ct);
        var staffOptions = await cases.StaffOptionsAsync(Staff.SchoolId, ct);
        var mapper = new TaskMapper(names, staffOptions, Now);
        if (MayAssign)
            AssignOptions = TaskService.AssignableRoles.Select(r => ("role:" + r, "De rol " + RoleLabels.Dutch(r)))
                .Concat(staffOptions.Select(o => ("person:" + o.Value, o.Label))).ToList();
        Current = mapper.Map(task, Case?.OpenTasks.FirstOrDefault(t => t.Id == id));
        if (Case is not null) Notes = await CaseNotes.LoadAsync(db, Case.Id, names, ct);
        return true;
    }

    /// <summary>
    /// Stores the files posted for the form's file fields and names each in the result by its id;
    /// a refused file is an error next to its field (and nothing of it is stored).
    /// </summary>
    private async Task<List<CaseDocument>> UploadAsync(Staff staff, JsonObject result, CancellationToken ct)
    {
        var stored = new List<CaseDocument>();
        if (!Request.HasFormContentType) return stored;
        foreach (var field in Current.Fields.Where(f => f.Type == FileFieldType))
        {
            if (Request.Form.Files.GetFile(FieldPrefix + field.Name) is not { } file || (file.Length == 0 && string.IsNullOrEmpty(file.FileName))) continue;
            var upload = await documents.StoreAsync(staff, Current.CaseId, file, ct);
            if (upload.Error is { } error)
            {
                Errors[field.Name] = [error];
                continue;
            }
            stored.Add(upload.Document!);
            result[field.Name] = upload.Document!.Id;
        }
        return stored;
    }

    /// <summary>The documents of this form not taken up yet, to send again with the corrected form.</summary>
    private async Task KeepAsync(Staff staff, JsonObject result, CancellationToken ct)
    {
        var names = await cases.NamesAsync(staff.SchoolId, ct);
        foreach (var field in Current.Fields.Where(f => f.Type == FileFieldType && !Errors.ContainsKey(f.Name)))
            if (result[field.Name] is JsonValue v && v.TryGetValue<string>(out var documentId)
                && await documents.FindUnlinkedAsync(staff, Current.CaseId, documentId, ct) is { } document)
                Kept[field.Name] = CaseDocumentDto.From(document, names);
    }

    /// <summary>A posted field as the task's form expects it; values the service cannot read stay
    /// strings, so its check names the problem next to the field.</summary>
    private JsonNode? Value(TaskFieldDto field)
    {
        var posted = Posted(field.Name).Where(v => !string.IsNullOrWhiteSpace(v)).ToList();
        if (field.Type is "multichoice" or "users")
            return posted.Count == 0 ? null : new JsonArray(posted.Select(v => (JsonNode?)v).ToArray());
        if (posted.Count == 0) return null;
        var text = posted[0];
        return field.Type switch
        {
            "bool" => text switch { "ja" => true, "nee" => false, _ => text },
            // A number field posts with a decimal point, whatever the browser's language.
            "number" => decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? JsonValue.Create(n) : text,
            "datetime" => DutchTime.ParseLocal(text) is { } at ? at.ToString("O") : text,
            _ => text,
        };
    }

    /// <summary>The Dutch label of a completed task's outcome.</summary>
    public static string? OutcomeLabel(TaskDto task) => task.Outcomes.FirstOrDefault(o => o.Name == task.Outcome)?.Label ?? task.Outcome;
}
