namespace PestWorkflows.Host.Cases;

/// <summary>
/// Thrown inside a step when the person completing a task may no longer act on it (it was handed
/// to someone else after they opened it). The step rolls back; nothing of the completion is kept.
/// </summary>
public sealed class TaskNotYoursException(string taskId) : Exception($"Task {taskId} is no longer assigned to the person completing it.")
{
    public string TaskId { get; } = taskId;
}
