namespace PestWorkflows.Host.Designer;

public sealed record ExpressionDescriptor(string Type, string DisplayName, bool IsSerializable, bool IsBrowsable, IReadOnlyDictionary<string, string> Properties);
public sealed record VariableTypeDescriptor(string TypeName, string DisplayName, string Category, string? Description);
public sealed record StorageDriverDescriptor(string TypeName, string DisplayName, int Priority, bool Deprecated);
public sealed record StrategyDescriptor(string DisplayName, string Description, string TypeName);
public sealed record CommitStrategyDescriptor(string Name, string DisplayName, string Description);
public sealed record FeatureDescriptor(string Name, string Namespace, string FullName, string DisplayName, string Description);

/// <summary>
/// The fixed descriptor lists Elsa Studio asks for, in the shapes of a genuine Elsa 3.8 server
/// (elsa-golden/). Each list names only what this engine actually does, so the designer never
/// offers a choice the runtime would ignore.
/// </summary>
public static class ElsaDescriptors
{
    private static readonly Dictionary<string, string> NoProperties = new();

    /// <summary>The expression types the engine evaluates. The designer needs at least one type
    /// besides Literal/Object/Variable/Input, or its property panel fails (JavaScript is one).</summary>
    public static readonly IReadOnlyList<ExpressionDescriptor> Expressions =
    [
        new("Literal", "Literal", true, false, NoProperties),
        new("Object", "Object", true, false, new Dictionary<string, string> { ["MonacoLanguage"] = "json" }),
        new("Variable", "Variable", true, true, NoProperties),
        new("JavaScript", "JavaScript", true, true, new Dictionary<string, string> { ["MonacoLanguage"] = "javascript" }),
        new("Liquid", "Liquid", true, true, new Dictionary<string, string> { ["MonacoLanguage"] = "liquid" }),
    ];

    /// <summary>Variable types the engine converts values to (its type aliases).</summary>
    public static readonly IReadOnlyList<VariableTypeDescriptor> VariableTypes =
    [
        new("Object", "Object", "Primitives", "The root class for all object in the CLR System."),
        new("String", "String", "Primitives", "Represents a static string of characters."),
        new("Boolean", "Boolean", "Primitives", "Represents a true or false value."),
        new("Int32", "Int32", "Primitives", "A 32 bit integer."),
        new("Int64", "Int64", "Primitives", "A 64 bit integer."),
        new("Double", "Double", "Primitives", "A 64 bit floating point number."),
        new("Decimal", "Decimal", "Primitives", "A decimal number."),
        new("Guid", "Guid", "Primitives", "Represents a Globally Unique Identifier."),
        new("DateTime", "DateTime", "Primitives", "A value type that represents a date and time."),
        new("DateTimeOffset", "DateTimeOffset", "Primitives", "A value type that consists of a DateTime and a time zone offset."),
        new("TimeSpan", "TimeSpan", "Primitives", "Represents a duration of time."),
    ];

    /// <summary>
    /// The one storage the engine has: the instance's state. It is the default, as in Elsa: the
    /// driver with the highest priority, which the Studio preselects for a new variable. A variable
    /// saved without a driver is kept only until the instance waits (Elsa's semantics).
    /// </summary>
    public static readonly IReadOnlyList<StorageDriverDescriptor> StorageDrivers =
    [
        new(Engine.Model.VariableStorageDrivers.WorkflowInstance, "Workflow Instance", DefaultStorageDriverPriority, false),
    ];

    /// <summary>Elsa's priority for its workflow-instance driver, the highest of its drivers.</summary>
    public const int DefaultStorageDriverPriority = 5;

    /// <summary>An activity that throws faults the instance (retryable); there is no other strategy.</summary>
    public static readonly IReadOnlyList<StrategyDescriptor> IncidentStrategies =
    [
        new("Fault", "An incident strategy that puts the entire workflow in the Faulted state.", "FaultStrategy"),
    ];

    /// <summary>New instances are always allowed.</summary>
    public static readonly IReadOnlyList<StrategyDescriptor> ActivationStrategies =
    [
        new("Always", "Always allow the creation of a new workflow instance.", "Elsa.Workflows.ActivationValidators.AllowAlwaysStrategy, Elsa.Workflows.Core"),
    ];

    /// <summary>Every journal line is kept; there is no choice to offer.</summary>
    public static readonly IReadOnlyList<StrategyDescriptor> LogPersistenceStrategies = [];

    /// <summary>Each step commits once, in one transaction; there is no strategy to choose.</summary>
    public static readonly IReadOnlyList<CommitStrategyDescriptor> WorkflowCommitStrategies = [];
    public static readonly IReadOnlyList<CommitStrategyDescriptor> ActivityCommitStrategies = [];

    /// <summary>
    /// The Elsa features this server provides. It must not list Elsa.RealTimeWorkflowUpdates
    /// (the Studio would open a SignalR hub), Elsa.Resilience or Elsa.Alterations (it would call
    /// their APIs).
    /// </summary>
    public static readonly IReadOnlyList<FeatureDescriptor> Features =
    [
        Feature("Workflows"),
        Feature("Flowchart"),
        Feature("Expressions"),
        Feature("WorkflowRuntime"),
        Feature("WorkflowDefinitions"),
        Feature("WorkflowInstances"),
        Feature("WorkflowManagement"),
        Feature("WorkflowsApi"),
        Feature("Scheduling"),
        Feature("JavaScript"),
        Feature("Liquid"),
    ];

    /// <summary>The Elsa version whose API this server answers.</summary>
    public const string PackageVersion = "3.8.0";

    private static FeatureDescriptor Feature(string name) => new(name, "Elsa", "Elsa." + name, name, "");
}
