namespace PestWorkflows.Engine.Runtime;

/// <summary>
/// One step ran more activities than <see cref="WorkflowEngineOptions.MaxActivitiesPerStep"/> allows,
/// almost always a loop without end. The instance faults with this as its incident; the request that
/// ran the step returns instead of hanging.
/// </summary>
public sealed class StepLimitExceededException(int limit)
    : Exception($"The step ran more than {limit} activities (limit Workflows:MaxActivitiesPerStep = {limit}); it was stopped as a loop without end.")
{
    public int Limit { get; } = limit;
}
