namespace PestWorkflows.Engine.Persistence;

/// <summary>The states of an <see cref="OutboxMessageRecord"/>.</summary>
public static class OutboxStatus
{
    /// <summary>Waiting for its (next) attempt.</summary>
    public const string Pending = "Pending";
    /// <summary>Its handler finished it.</summary>
    public const string Done = "Done";
    /// <summary>Given up: a permanent failure, or too many attempts.</summary>
    public const string Failed = "Failed";
}
