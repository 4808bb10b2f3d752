using System.Text.Json.Nodes;

namespace PestWorkflows.Engine.Model;

/// <summary>An Elsa expression: <c>{ "type": "Literal" | "JavaScript" | ..., "value": ... }</c>.</summary>
public sealed record Expression(string Type, JsonNode? Value)
{
    public static Expression Literal(object? value) =>
        new("Literal", value is null ? null : JsonValue.Create(value is string s ? s : value.ToString()));

    public JsonObject ToJson() => new() { ["type"] = Type, ["value"] = Value?.DeepClone() };

    public static Expression? FromJson(JsonNode? node) => node switch
    {
        JsonObject o => new Expression(
            (string?)o["type"] ?? "Literal",
            o["value"]?.DeepClone()),
        null => null,
        // A bare JSON primitive is accepted as a literal, as Elsa does.
        _ => new Expression("Literal", node.DeepClone()),
    };
}

/// <summary>Untyped view of an input, so the runtime can evaluate any <see cref="Input{T}"/>.</summary>
public abstract class Input
{
    protected Input(Expression? expression) => Expression = expression;
    public Expression? Expression { get; }
    public abstract Type ValueType { get; }
}

/// <summary>A typed activity input; its value is produced by evaluating the expression.</summary>
public sealed class Input<T> : Input
{
    public Input(Expression? expression) : base(expression) { }
    public Input(T value) : base(Expression.Literal(value)) => Default = value;
    public T? Default { get; }
    public override Type ValueType => typeof(T);
}

/// <summary>Untyped view of an output.</summary>
public abstract class Output
{
    /// <summary>The id of the workflow variable this output writes to, if bound.</summary>
    public string? VariableId { get; set; }
    public abstract Type ValueType { get; }
}

/// <summary>A typed activity output. Values are recorded on the activity's execution record and,
/// when bound, copied into a workflow variable.</summary>
public sealed class Output<T> : Output
{
    public override Type ValueType => typeof(T);
}
