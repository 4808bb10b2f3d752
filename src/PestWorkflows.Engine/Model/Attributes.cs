namespace PestWorkflows.Engine.Model;

/// <summary>The kind of an activity, as Elsa's designer groups them.</summary>
public enum ActivityKind
{
    /// <summary>Runs and completes synchronously.</summary>
    Action,
    /// <summary>Can start a workflow.</summary>
    Trigger,
    /// <summary>Always runs in the background (kept for Elsa compatibility).</summary>
    Job,
    /// <summary>Waits for a person to do something.</summary>
    Task,
}

/// <summary>
/// Describes an activity class. The type name is <c>{Namespace}.{Type}</c>, e.g. <c>Elsa.WriteLine</c>
/// or <c>Pestprotocol.ConversationWithBully</c>; Type defaults to the class name.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ActivityAttribute(string @namespace, string? category, string? description = null) : Attribute
{
    public ActivityAttribute(string @namespace, string? description) : this(@namespace, null, description) { }

    public string Namespace { get; } = @namespace;
    public string? Category { get; } = category;
    public string? Description { get; } = description;
    public string? Type { get; init; }
    public int Version { get; init; } = 1;
    public string? DisplayName { get; init; }
    public ActivityKind Kind { get; init; } = ActivityKind.Action;
}

/// <summary>Marks a property as an activity input and carries its designer metadata.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class InputAttribute : Attribute
{
    public string? DisplayName { get; init; }
    public string? Description { get; init; }
    public string? UIHint { get; init; }
    public string? Category { get; init; }
    /// <summary>Options for a dropdown, as plain values.</summary>
    public string[]? Options { get; init; }
    public object? DefaultValue { get; init; }
    public string? DefaultSyntax { get; init; }
    public float Order { get; init; }
    public bool IsBrowsable { get; init; } = true;
    public bool IsReadOnly { get; init; }
}

/// <summary>Marks a property as an activity output.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class OutputAttribute : Attribute
{
    public string? DisplayName { get; init; }
    public string? Description { get; init; }
    public bool IsBrowsable { get; init; } = true;
}

/// <summary>Declares the flow ports (outcomes) of an activity. Without it the only port is <c>Done</c>.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class FlowNodeAttribute(params string[] outcomes) : Attribute
{
    public IReadOnlyList<string> Outcomes { get; } = outcomes;
}

/// <summary>Marks an embedded child-activity slot, such as the body of a container.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class PortAttribute : Attribute
{
    public string? DisplayName { get; init; }
}

/// <summary>The UI hint names Elsa Studio understands.</summary>
public static class InputUIHints
{
    public const string SingleLine = "singleline";
    public const string MultiLine = "multiline";
    public const string Checkbox = "checkbox";
    public const string DropDown = "dropdown";
    public const string DateTimePicker = "datetime-picker";
    public const string DynamicOutcomes = "dynamic-outcomes";
    public const string VariablePicker = "variable-picker";
    public const string CodeEditor = "code-editor";
    public const string JsonEditor = "json-editor";
}
