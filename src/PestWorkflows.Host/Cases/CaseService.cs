using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PestWorkflows.Activities.Protocol;
using PestWorkflows.Activities.Tasks;
using PestWorkflows.Engine.Persistence;
using PestWorkflows.Engine.Runtime;
using PestWorkflows.Host.Access;
using PestWorkflows.Host.Data;
using PestWorkflows.Host.Schools;
using PestWorkflows.Host.Identity;
using PestWorkflows.Host.Shared;

namespace PestWorkflows.Host.Cases;

/// <summary>Reporting signals and reading cases, within the caller's school and rights.</summary>
public sealed class CaseService(AppDbContext db, StaffAccess access, WorkflowRuntime runtime, WorkflowInstanceStore instances, TimeProvider clock, ILogger<CaseService> logger)
{
    public const int MaxDescriptionLength = 4000;
    public const int MaxLocationLength = 200;
    public const int MaxPupils = 30;
    /// <summary>The longest report form token or Idempotency-Key kept with a case.</summary>
    public const int MaxSubmissionTokenLength = 64;

    public async Task<Dictionary<string, string[]>> ValidateAsync(Staff staff, ReportSignalRequest request, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Description)) errors["description"] = ["Beschrijf wat er is gezien."];
        else if (request.Description.Length > MaxDescriptionLength) errors["description"] = [$"De beschrijving is te lang (maximaal {MaxDescriptionLength} tekens)."];
        if (request.ObservedAt is null) errors["observedAt"] = ["Geef aan wanneer het gebeurde."];
        else if (request.ObservedAt > clock.GetUtcNow().AddMinutes(5)) errors["observedAt"] = ["Dit tijdstip ligt in de toekomst."];
        if (string.IsNullOrWhiteSpace(request.Location)) errors["location"] = ["Geef aan waar het gebeurde."];
        else if (request.Location.Length > MaxLocationLength) errors["location"] = [$"De plaats is te lang (maximaal {MaxLocationLength} tekens)."];
        if (request.BoundaryCrossed is null) errors["boundaryCrossed"] = ["Geef aan of de grens van het kind duidelijk is overschreden."];
        if (request.Pupils is not { Count: > 0 })
        {
            errors["pupils"] = ["Kies ten minste één leerling."];
            return errors;
        }
        if (request.Pupils.Count > MaxPupils)
        {
            errors["pupils"] = [$"Kies hoogstens {MaxPupils} leerlingen per melding."];
            return errors;
        }

        var ids = request.Pupils.Select(p => p?.PupilId).OfType<string>().ToList();
        var known = await db.Pupils.Where(p => ids.Contains(p.Id) && p.SchoolId == staff.SchoolId).Select(p => p.Id).ToListAsync(ct);
        for (var i = 0; i < request.Pupils.Count; i++)
        {
            var pupil = request.Pupils[i];
            if (pupil is null) { errors[$"pupils[{i}]"] = ["Kies een leerling met een rol."]; continue; }
            if (string.IsNullOrWhiteSpace(pupil.PupilId)) errors[$"pupils[{i}].pupilId"] = ["Kies een leerling."];
            else if (!known.Contains(pupil.PupilId)) errors[$"pupils[{i}].pupilId"] = ["Deze leerling is niet bekend op deze school."];
            else if (request.Pupils.Take(i).Any(p => p?.PupilId == pupil.PupilId)) errors[$"pupils[{i}].pupilId"] = ["Deze leerling staat er al in."];
            if (pupil.Role is null) errors[$"pupils[{i}].role"] = [PupilRoles.ChooseMessage];
        }
        return errors;
    }

    /// <summary>
    /// Records the signal as a case and starts the school's protocol for it, in one transaction: the
    /// case, its pupils and its first timeline line commit with the protocol's first step (its task
    /// and deadline timers), or nothing is stored. Returns null when the protocol could not start.
    /// </summary>
    /// <param name="submissionToken">The report form's token or the API's Idempotency-Key (at most
    /// <see cref="MaxSubmissionTokenLength"/> characters): when this reporter already reported with it,
    /// that case is returned and nothing new starts, also after a restart or on another host.</param>
    public async Task<Case?> ReportAsync(Staff staff, ReportSignalRequest request, string? submissionToken, CancellationToken ct)
    {
        if (submissionToken is not null && await ReportedWithAsync(staff, submissionToken, ct) is { } earlier) return earlier;
        var now = clock.GetUtcNow();
        var reportedIds = request.Pupils!.Select(p => p.PupilId!).ToList();
        var groupOf = await db.Pupils.Where(p => reportedIds.Contains(p.Id)).Select(p => new { p.Id, p.GroupId }).ToDictionaryAsync(p => p.Id, p => p.GroupId, ct);
        var @case = new Case
        {
            Id = Guid.NewGuid().ToString("N"),
            SchoolId = staff.SchoolId,
            ReporterId = staff.Id,
            WorkflowInstanceId = Guid.NewGuid().ToString("N")[..16],
            // The school's own copy, named after the school (School.ProtocolDefinitionId): no need to read the school.
            DefinitionId = SchoolProtocols.CopyIdOf(staff.SchoolId),
            SubmissionToken = submissionToken,
            Description = request.Description!.Trim(),
            ObservedAt = request.ObservedAt!.Value,
            Location = request.Location!.Trim(),
            BoundaryCrossed = request.BoundaryCrossed!.Value,
            ReportedAt = now,
            Status = CaseStatus.Open,
            CurrentStepTitle = "Signaal ontvangen",
            Pupils = request.Pupils!.Select(p => new CasePupil { PupilId = p.PupilId!, Role = p.Role!.Value, GroupId = groupOf.GetValueOrDefault(p.PupilId!) }).ToList(),
            Timeline = [new TimelineEntry { At = now, Kind = "Reported", Text = $"Signaal gemeld door {staff.DisplayName}.", ActorUserId = staff.Id }],
        };

        var bullies = @case.Pupils.Where(p => p.Role == PupilRole.Bully).Select(p => p.PupilId).ToList();
        WorkflowRunResult started;
        try
        {
            started = await runtime.StartAsync(@case.DefinitionId, new StartWorkflowOptions
            {
                InstanceId = @case.WorkflowInstanceId,
                TenantId = SchoolTenant.Of(@case.SchoolId),
                CorrelationId = @case.Id,
                Name = "Zaak " + @case.Id[..8],
                Actor = staff.Id,
                Input = new Dictionary<string, JsonNode?>
                {
                    [CaseInput.CaseId] = @case.Id,
                    [CaseInput.SchoolId] = @case.SchoolId,
                    [CaseInput.ReporterId] = staff.Id,
                    [CaseInput.SignalAt] = now.ToString("O"),
                    [CaseInput.BullyPupilIds] = new JsonArray(bullies.Select(b => (JsonNode?)b).ToArray()),
                },
                StepEffects = [new CaseReported(@case)],
            }, ct);
        }
        catch (DbUpdateException) when (submissionToken is not null)
        {
            // The same report committed first elsewhere (the unique index on reporter and token
            // decided) and this step stored nothing: the first one is the answer.
            if (await ReportedWithAsync(staff, submissionToken, CancellationToken.None) is not { } winner) throw;
            logger.LogInformation("A report sent twice at once by {StaffId} is case {CaseId}; the second send started nothing", staff.Id, winner.Id);
            return winner;
        }
        if (started.Outcome != RunOutcome.Applied)
        {
            logger.LogError("A signal of school {SchoolId} was not recorded: the protocol {DefinitionId} did not start: {Message}",
                @case.SchoolId, @case.DefinitionId, started.Message);
            return null;
        }

        // A new signal about a bully whose earlier case is being monitored: that case goes on to step 6.
        foreach (var bully in bullies)
        {
            var resumed = await runtime.PublishEventAsync(SchoolTenant.Of(@case.SchoolId), MonitorBehaviour.NewSignalEvent(bully), actor: staff.Id, ct: ct);
            if (resumed.Any(r => r.Outcome == RunOutcome.Applied))
                await AddTimelineAsync(@case.Id, "LinkedCase", "Er liep al een zaak over deze pester in de volgperiode; die zaak gaat door naar stap 6.", staff.Id, ct);
        }
        return @case;
    }

    private Task<Case?> ReportedWithAsync(Staff staff, string submissionToken, CancellationToken ct) =>
        db.Cases.AsNoTracking().FirstOrDefaultAsync(c => c.ReporterId == staff.Id && c.SubmissionToken == submissionToken, ct);

    private async Task AddTimelineAsync(string caseId, string kind, string text, string? actor, CancellationToken ct)
    {
        db.Timeline.Add(new TimelineEntry { CaseId = caseId, At = clock.GetUtcNow(), Kind = kind, Text = text, ActorUserId = actor });
        await db.SaveChangesAsync(ct);
    }

    public async Task<CaseDto?> GetAsync(Staff staff, string id, CancellationToken ct)
    {
        var @case = await access.Cases(staff).AsNoTracking().Include(c => c.Pupils.OrderBy(p => p.Id)).Include(c => c.Timeline).FirstOrDefaultAsync(c => c.Id == id, ct);
        if (@case is null) return null;
        var tasks = await db.Tasks.AsNoTracking().Include(t => t.History).Where(t => t.CaseId == id).OrderBy(t => t.CreatedAt).ToListAsync(ct);
        // Only a timeline line about a document shows one.
        var documentRows = @case.Timeline.Any(t => t.DocumentId is not null)
            ? await db.Documents.AsNoTracking().Where(d => d.CaseId == id && d.TaskId != null).ToListAsync(ct)
            : [];
        var names = await NamesAsync(staff,
            [@case.ReporterId, .. @case.Timeline.Select(t => t.ActorUserId), .. documentRows.Select(d => d.UploadedByUserId), .. tasks.SelectMany(PeopleOf)], ct);
        var pupils = await PupilsAsync(@case, ct);
        var mapper = await TaskMapperAsync(staff.SchoolId, tasks, names, ct);
        var documents = documentRows.ToDictionary(d => d.Id, d => Documents.CaseDocumentDto.From(d, names));
        return new CaseDto(
            @case.Id, @case.Status.ToString(), @case.CurrentStep, @case.CurrentStepTitle, @case.IsOverdue, @case.Outcome?.ToString(),
            @case.EndedAtStep, @case.EsisReference, @case.EsisRegisteredAt,
            @case.Description, @case.ObservedAt, @case.Location, @case.BoundaryCrossed, @case.ReportedAt, @case.ClosedAt,
            Person(names, @case.ReporterId)!, @case.WorkflowInstanceId,
            (await instances.FindAsync(SchoolTenant.Of(@case.SchoolId), @case.WorkflowInstanceId, ct))?.Version,
            staff.IsCoordinator || staff.IsAdmin ? $"/designer/zaken/{Uri.EscapeDataString(@case.WorkflowInstanceId)}" : null,
            pupils,
            tasks.Where(t => t.Status == CaseTaskStatus.Open).Select(t => EsisSummary.Add(mapper.Map(t), @case, pupils, tasks)).ToList(),
            tasks.Where(t => t.Status != CaseTaskStatus.Open).Select(t => mapper.Map(t)).ToList(),
            @case.Timeline.OrderBy(t => t.At).ThenBy(t => t.Id).Select(t => new TimelineDto(t.At, t.Kind, t.Text, Person(names, t.ActorUserId),
                t.DocumentId is { } documentId ? documents.GetValueOrDefault(documentId) : null)).ToList());
    }

    public const int DefaultPageSize = 25;
    public const int MaxPageSize = 200;

    /// <summary>One page of the cases this person may see, newest first; filtered and counted in the
    /// database, so a school with many cases is never loaded whole.</summary>
    public async Task<CasePage> PageAsync(Staff staff, CaseFilter filter, int page, int pageSize, CancellationToken ct)
    {
        page = Math.Max(1, page);
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        var query = access.Cases(staff);
        if (filter.Status is { } status) query = query.Where(c => c.Status == status);
        if (filter.OverdueOnly) query = query.Where(c => c.IsOverdue);
        // A closed case keeps the number of its last step, but is at no step any more.
        if (filter.Step is { } step) query = query.Where(c => c.CurrentStep == step && c.Status == CaseStatus.Open);
        if (filter.GroupId is { Length: > 0 } group)
            query = query.Where(c => c.Pupils.Any(cp => db.Pupils.Any(p => p.Id == cp.PupilId && p.GroupId == group)));
        if (filter.EsisPendingOnly) query = query.Where(WaitsForEsis(db.Tasks));
        if (filter.SchoolYear is { } year)
        {
            var (from, until) = (year.StartUtc, year.EndUtc);
            query = query.Where(c => c.ReportedAt >= from && c.ReportedAt < until);
        }

        var total = await query.CountAsync(ct);
        var cases = await query.AsNoTracking().Include(c => c.Pupils.OrderBy(p => p.Id))
            .OrderByDescending(c => c.ReportedAt).ThenByDescending(c => c.Id)
            .Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        var reporterIds = cases.Select(c => c.ReporterId).Distinct().ToList();
        var names = await db.Users.Where(u => reporterIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        var pupilIds = cases.SelectMany(c => c.Pupils).Select(p => p.PupilId).Distinct().ToList();
        var pupils = await PupilLookupAsync(pupilIds, ct);
        var items = cases.Select(c => new CaseSummaryDto(c.Id, c.Status.ToString(), c.CurrentStep, c.CurrentStepTitle, c.IsOverdue, c.Outcome?.ToString(),
            c.ReportedAt, c.ObservedAt, Person(names, c.ReporterId)!, c.Pupils.Select(p => PupilDto(p, pupils)).ToList())).ToList();
        return new CasePage(items, total, page, pageSize);
    }

    /// <summary>
    /// A case waits for its registration in ESIS once the protocol asked for it (the plan of approach, step 3,
    /// created the task) and until the task recorded ESIS's reference: while the task is open, and also when it
    /// ended without one (the case closed first). A case that never got that far (no bullying) does not wait.
    /// <paramref name="tasks"/> is the task table of the same query.
    /// </summary>
    public static System.Linq.Expressions.Expression<Func<Case, bool>> WaitsForEsis(IQueryable<CaseTask> tasks) =>
        c => c.EsisReference == null && tasks.Any(t => t.CaseId == c.Id && t.ActivityType == EsisSummary.ActivityType);

    /// <summary>How many of the cases this person sees wait for their registration in ESIS.</summary>
    public Task<int> EsisPendingCountAsync(Staff staff, CancellationToken ct) => access.Cases(staff).Where(WaitsForEsis(db.Tasks)).CountAsync(ct);

    /// <summary>The steps the visible open cases are at now (number and title), for the list's step filter.</summary>
    public async Task<IReadOnlyList<(int Step, string Title)>> StepsAsync(Staff staff, CancellationToken ct) =>
        (await access.Cases(staff).Where(c => c.Status == CaseStatus.Open).Select(c => new { c.CurrentStep, c.CurrentStepTitle }).Distinct().ToListAsync(ct))
            .GroupBy(s => s.CurrentStep).OrderBy(g => g.Key).Select(g => (g.Key, g.First().CurrentStepTitle)).ToList();

    /// <summary>
    /// The school years from the first to the last visible case, and the current one, newest first. One
    /// query: a year between two years with cases is offered even in the rare case it has none itself
    /// (choosing it shows no cases), because checking each year would read the visible cases again per year.
    /// </summary>
    public async Task<IReadOnlyList<SchoolYear>> SchoolYearsAsync(Staff staff, CancellationToken ct)
    {
        var current = SchoolYear.Of(clock.GetUtcNow()).StartYear;
        var span = await access.Cases(staff).GroupBy(_ => 1)
            .Select(g => new { First = g.Min(c => c.ReportedAt), Last = g.Max(c => c.ReportedAt) }).FirstOrDefaultAsync(ct);
        var years = new SortedSet<int> { current };
        if (span is not null)
            for (var y = SchoolYear.Of(span.First).StartYear; y <= SchoolYear.Of(span.Last).StartYear; y++) years.Add(y);
        return years.Reverse().Select(y => new SchoolYear(y)).ToList();
    }

    private async Task<IReadOnlyList<CasePupilDto>> PupilsAsync(Case @case, CancellationToken ct)
    {
        var lookup = await PupilLookupAsync(@case.Pupils.Select(p => p.PupilId).ToList(), ct);
        return @case.Pupils.Select(p => PupilDto(p, lookup)).ToList();
    }

    private async Task<Dictionary<string, (string Name, string Group)>> PupilLookupAsync(List<string> ids, CancellationToken ct) =>
        await (from p in db.Pupils
               join g in db.Groups on p.GroupId equals g.Id
               where ids.Contains(p.Id)
               select new { p.Id, p.FirstName, p.LastName, Group = g.Name }).ToDictionaryAsync(x => x.Id, x => ($"{x.FirstName} {x.LastName}", x.Group), ct);

    private static CasePupilDto PupilDto(CasePupil p, Dictionary<string, (string Name, string Group)> lookup) =>
        new(p.PupilId, lookup.GetValueOrDefault(p.PupilId).Name ?? "", lookup.GetValueOrDefault(p.PupilId).Group ?? "", p.Role, PupilRoles.Dutch(p.Role));

    public async Task<Dictionary<string, string>> NamesAsync(string schoolId, CancellationToken ct) =>
        await db.Users.Where(u => u.SchoolId == schoolId).Select(u => new { u.Id, u.DisplayName }).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);

    /// <summary>The names of these people, those that are staff of this school (<see cref="Person"/> calls others "onbekend").
    /// Only the people asked for, so a page of one case does not read the whole school.</summary>
    /// <remarks>The caller's own name is known already (read for this request); the system is no staff member.</remarks>
    public async Task<Dictionary<string, string>> NamesAsync(Staff staff, IEnumerable<string?> ids, CancellationToken ct)
    {
        var names = new Dictionary<string, string> { [staff.Id] = staff.DisplayName };
        var wanted = ids.OfType<string>().Where(id => id != staff.Id && id != Audit.AuditTrail.SystemActor).Distinct().ToList();
        if (wanted.Count == 0) return names;
        var schoolId = staff.SchoolId;
        foreach (var user in await db.Users.Where(u => u.SchoolId == schoolId && wanted.Contains(u.Id)).Select(u => new { u.Id, u.DisplayName }).ToListAsync(ct))
            names[user.Id] = user.DisplayName;
        return names;
    }

    /// <summary>The people a task shows (<see cref="TaskMapper"/>): its assignee, who completed it, who did what in its history.</summary>
    public static IEnumerable<string?> PeopleOf(CaseTask task) =>
        [task.AssigneeUserId, task.CompletedByUserId, .. task.History.Select(h => h.ByUserId)];

    /// <summary>A mapper for these tasks: the school's staff are read as options only when one of them has a person field.</summary>
    public async Task<TaskMapper> TaskMapperAsync(string schoolId, IReadOnlyCollection<CaseTask> tasks, Dictionary<string, string> names, CancellationToken ct)
    {
        var asksForPerson = tasks.Any(t => TaskForm.Fields(t).Any(f => f.Type is TaskFieldType.User or TaskFieldType.Users));
        return new TaskMapper(names, asksForPerson ? await StaffOptionsAsync(schoolId, ct) : [], clock.GetUtcNow());
    }

    public async Task<IReadOnlyList<TaskOptionDto>> StaffOptionsAsync(string schoolId, CancellationToken ct) =>
        await db.Users.Where(u => u.SchoolId == schoolId).OrderBy(u => u.DisplayName).Select(u => new TaskOptionDto(u.Id, u.DisplayName)).ToListAsync(ct);

    public static PersonDto? Person(Dictionary<string, string> names, string? id) =>
        id is null ? null : new PersonDto(id, names.GetValueOrDefault(id) ?? (id == Audit.AuditTrail.SystemActor ? "het systeem" : "onbekend"));
}
