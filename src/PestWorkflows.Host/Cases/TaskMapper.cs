using PestWorkflows.Activities.Tasks;


namespace PestWorkflows.Host.Cases;

/// <summary>Shapes a task for the API; person fields get the school's staff as options.</summary>
public sealed class TaskMapper(Dictionary<string, string> names, IReadOnlyList<TaskOptionDto> staffOptions, DateTimeOffset now)
{
    /// <summary>The task; <paramref name="asInCase"/> (the same task from its case's <see cref="CaseDto"/>) brings the ESIS texts along.</summary>
    public TaskDto Map(CaseTask task, TaskDto? asInCase = null) => new(
        task.Id, task.CaseId, task.Title, task.Description, task.ActivityType, task.Step, task.Status.ToString(),
        CaseService.Person(names, task.AssigneeUserId), task.CandidateRole, task.DueAt, task.FollowUpAt,
        task.Status == CaseTaskStatus.Open && task.DueAt is { } due && due <= now, task.Priority,
        TaskForm.Outcomes(task).Select(o => new TaskOutcomeDto(o.Name, o.Label)).ToList(),
        TaskForm.Fields(task).Select(Field).ToList(),
        task.Outcome, CaseService.Person(names, task.CompletedByUserId), task.CompletedAt, asInCase?.Summary,
        task.History.OrderBy(h => h.At).ThenBy(h => h.Id).Select(h => new TaskHistoryDto(h.At, h.Action, CaseService.Person(names, h.ByUserId), h.Detail)).ToList(), asInCase?.PupilSummaries);

    private TaskFieldDto Field(TaskField field) => new(
        field.Name, field.Label, TypeName(field.Type), field.Required,
        field.Type is TaskFieldType.User or TaskFieldType.Users ? staffOptions : field.Options?.Select(o => new TaskOptionDto(o.Value, o.Label)).ToList());

    public static string TypeName(TaskFieldType type) => type switch
    {
        TaskFieldType.Text => "text",
        TaskFieldType.Multiline => "multiline",
        TaskFieldType.Choice => "choice",
        TaskFieldType.MultiChoice => "multichoice",
        TaskFieldType.Bool => "bool",
        TaskFieldType.Date => "date",
        TaskFieldType.DateTime => "datetime",
        TaskFieldType.Number => "number",
        TaskFieldType.User => "user",
        TaskFieldType.Users => "users",
        TaskFieldType.File => "file",
        _ => "text",
    };
}
