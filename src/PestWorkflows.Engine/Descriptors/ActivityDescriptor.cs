using System.Reflection;
using PestWorkflows.Engine.Model;

namespace PestWorkflows.Engine.Descriptors;

/// <summary>An input of an activity, read from its <see cref="InputAttribute"/>.</summary>
public sealed record InputDescriptor(
    string Name,
    Type ValueType,
    string TypeName,
    string DisplayName,
    string? Description,
    string UIHint,
    string? Category,
    IReadOnlyList<string>? Options,
    object? DefaultValue,
    string? DefaultSyntax,
    float Order,
    bool IsBrowsable,
    bool IsReadOnly,
    bool IsWrapped,
    PropertyInfo Property);

/// <summary>An output of an activity.</summary>
public sealed record OutputDescriptor(string Name, Type ValueType, string TypeName, string DisplayName, string? Description, bool IsBrowsable, PropertyInfo Property);

/// <summary>Everything the designer and the runtime need to know about an activity class.</summary>
public sealed record ActivityDescriptor(
    string TypeName,
    string Namespace,
    string Name,
    int Version,
    string Category,
    string DisplayName,
    string? Description,
    ActivityKind Kind,
    Type ClrType,
    IReadOnlyList<InputDescriptor> Inputs,
    IReadOnlyList<OutputDescriptor> Outputs,
    IReadOnlyList<string> Outcomes,
    IReadOnlyList<string> EmbeddedPorts,
    bool IsContainer,
    bool IsStart,
    bool IsTerminal)
{
    public Activity CreateInstance() => (Activity)Activator.CreateInstance(ClrType)!;
}
