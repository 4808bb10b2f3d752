namespace PestWorkflows.Host.Retention;

/// <summary>Configuration section <c>Retention</c>.</summary>
public sealed class RetentionOptions
{
    public const string Section = "Retention";

    /// <summary>Run <see cref="RetentionWorker"/> once a day; the test host turns it off and runs the pass itself.</summary>
    public bool RunDaily { get; set; } = true;
}
