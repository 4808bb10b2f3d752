using System.Text.Json;
using PestWorkflows.Activities.Tasks;

namespace PestWorkflows.Host.Cases;

/// <summary>A task's form and outcomes, as the activity that created it declared them (stored as JSON on the task row).</summary>
public static class TaskForm
{
    public static IReadOnlyList<TaskField> Fields(CaseTask task) => JsonSerializer.Deserialize<List<TaskField>>(task.FieldsJson, ProtocolEffectHandler.Json)!;
    public static IReadOnlyList<TaskOutcome> Outcomes(CaseTask task) => JsonSerializer.Deserialize<List<TaskOutcome>>(task.OutcomesJson, ProtocolEffectHandler.Json)!;
}
