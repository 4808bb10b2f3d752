namespace PestWorkflows.Engine.Runtime;

/// <summary>See <see cref="OutboxResult"/>.</summary>
public enum OutboxResultKind
{
    Done,
    Retry,
    Failed,
}
