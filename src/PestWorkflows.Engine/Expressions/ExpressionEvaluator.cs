using System.Text.Json;
using System.Text.Json.Nodes;
using Fluid;
using Jint;
using Jint.Native;
using Jint.Runtime;
using PestWorkflows.Engine.Model;
using PestWorkflows.Engine.Runtime;

namespace PestWorkflows.Engine.Expressions;

/// <summary>An expression could not be evaluated; becomes an incident naming the expression.</summary>
public sealed class ExpressionException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Evaluates Elsa's expression types: Literal, Object (JSON text), Variable, JavaScript (Jint) and
/// Liquid (Fluid). Scripts see the workflow's variables and input as Elsa exposes them.
/// </summary>
public sealed class ExpressionEvaluator
{
    /// <summary>A script that runs longer than this is stopped and reported as an incident.</summary>
    public static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// What one JavaScript evaluation may allocate. Without it one script ('x'.repeat(2**28)) can take
    /// the memory of the whole process, every school's requests included. Protocol scripts allocate a few KiB.
    /// </summary>
    public const long ScriptMemoryLimitBytes = 64L * 1024 * 1024;

    /// <summary>Steps (tags, output statements, loop iterations) one Liquid template may run.</summary>
    public const int LiquidMaxSteps = 100_000;

    /// <summary>How deep Liquid templates may nest (Fluid's default, stated so it cannot change under us).</summary>
    public const int LiquidMaxRecursion = 100;

    private static readonly FluidParser LiquidParser = new();
    private static readonly TemplateOptions LiquidOptions = CreateLiquidOptions();

    public static readonly IReadOnlyList<string> SupportedTypes = ["Literal", "Object", "Json", "Variable", "JavaScript", "Liquid"];

    public ValueTask<object?> EvaluateAsync(Expression expression, Type targetType, ActivityExecutionContext context)
    {
        try
        {
            return expression.Type switch
            {
                "Literal" => ValueTask.FromResult(ValueConverter.FromJsonNode(expression.Value)),
                "Object" or "Json" => ValueTask.FromResult(EvaluateObject(expression.Value, targetType)),
                "Variable" => ValueTask.FromResult(EvaluateVariable(expression.Value, context)),
                "JavaScript" => ValueTask.FromResult(EvaluateJavaScript(Text(expression), context)),
                "Liquid" => EvaluateLiquidAsync(Text(expression), context, expression),
                _ => throw new ExpressionException($"Expression type '{expression.Type}' is not supported here (supported: {string.Join(", ", SupportedTypes)})."),
            };
        }
        catch (Exception e) when (e is not ExpressionException)
        {
            throw Failed(expression, context, e);
        }
    }

    private static ExpressionException Failed(Expression expression, ActivityExecutionContext context, Exception e) => e switch
    {
        MemoryLimitExceededException => new ExpressionException(
            $"{expression.Type} expression on {context.Activity.Type} '{context.Activity.Id}' used more memory than its limit of {ScriptMemoryLimitBytes / (1024 * 1024)} MiB and was stopped.", e),
        _ => new ExpressionException($"{expression.Type} expression on {context.Activity.Type} '{context.Activity.Id}' failed: {e.Message}", e),
    };

    private static string Text(Expression expression) =>
        expression.Value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : expression.Value?.ToJsonString() ?? "";

    private static object? EvaluateObject(JsonNode? value, Type targetType)
    {
        // Elsa stores Object expressions as JSON text: "[\"One\",\"Two\"]".
        var node = value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? JsonNode.Parse(v.GetValue<string>()) : value;
        return targetType == typeof(object) ? ValueConverter.FromJsonNode(node) : node;
    }

    private static object? EvaluateVariable(JsonNode? value, ActivityExecutionContext context)
    {
        // The Studio's variable picker stores a serialized variable model: {"id", "name", ...}.
        var model = value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? JsonNode.Parse(v.GetValue<string>()) : value;
        var key = (string?)model?["id"] ?? (string?)model?["name"] ?? throw new ExpressionException("A Variable expression names no variable.");
        var variable = context.WorkflowExecutionContext.FindVariable(key) ?? context.WorkflowExecutionContext.FindVariable((string?)model?["name"] ?? key)
            ?? throw new ExpressionException($"The workflow has no variable '{key}'.");
        return context.GetVariable(variable.Name);
    }

    private static object? EvaluateJavaScript(string script, ActivityExecutionContext context)
    {
        var workflow = context.WorkflowExecutionContext;
        var engine = new Jint.Engine(options => options
            .TimeoutInterval(ScriptTimeout)
            .LimitRecursion(256)
            .MaxStatements(100_000)
            .LimitMemory(ScriptMemoryLimitBytes)
            .CancellationToken(context.CancellationToken));

        var variables = new JsonObject();
        foreach (var variable in workflow.Workflow.Variables)
        {
            var name = variable.Name;
            variables[name] = ValueConverter.ToJsonNode(workflow.GetVariable(name));
            var pascal = char.ToUpperInvariant(name[0]) + name[1..];
            engine.SetValue($"get{pascal}", new Func<object?>(() => workflow.GetVariable(name)));
            engine.SetValue($"set{pascal}", new Action<object?>(value => workflow.SetVariable(name, Normalize(value))));
        }
        engine.SetValue("getVariable", new Func<string, object?>(workflow.GetVariable));
        engine.SetValue("setVariable", new Action<string, object?>((name, value) => workflow.SetVariable(name, Normalize(value))));
        engine.SetValue("getInput", new Func<string, object?>(name => ValueConverter.FromJsonNode(workflow.Input.GetValueOrDefault(name))));
        engine.SetValue("getWorkflowInstanceId", new Func<string>(() => workflow.State.InstanceId));
        engine.SetValue("getWorkflowDefinitionId", new Func<string>(() => workflow.State.DefinitionId));
        engine.SetValue("getWorkflowDefinitionVersionId", new Func<string>(() => workflow.State.DefinitionVersionId));
        engine.SetValue("getWorkflowDefinitionVersion", new Func<int>(() => workflow.State.DefinitionVersion));
        engine.SetValue("getCorrelationId", new Func<string?>(() => workflow.State.CorrelationId));
        engine.SetValue("setCorrelationId", new Action<string?>(value => workflow.State.CorrelationId = value));
        engine.SetValue("getWorkflowInstanceName", new Func<string?>(() => workflow.State.Name));
        engine.SetValue("setWorkflowInstanceName", new Action<string?>(value => workflow.State.Name = value));
        engine.SetValue("isNullOrWhiteSpace", new Func<string?, bool>(string.IsNullOrWhiteSpace));
        engine.SetValue("isNullOrEmpty", new Func<string?, bool>(string.IsNullOrEmpty));
        engine.SetValue("newGuid", new Func<string>(() => Guid.NewGuid().ToString()));
        engine.SetValue("newGuidString", new Func<string>(() => Guid.NewGuid().ToString()));
        engine.SetValue("toJson", new Func<object?, string>(value => JsonSerializer.Serialize(Normalize(value))));
        engine.Execute($"var variables = {variables.ToJsonString()};");

        // Elsa accepts a bare expression ("getCounter() > 1") as well as a body with "return".
        var body = script.Contains("return", StringComparison.Ordinal) ? $"(function() {{ {script}\n}})()" : script;
        var result = engine.Evaluate(body);
        // A string can be built without being copied ('x'.repeat(n) is one node), so the limit has not
        // seen it yet; turning it into a .NET string would allocate it in full.
        if (result is JsString { Length: var length } && length * 2L > ScriptMemoryLimitBytes)
            throw new MemoryLimitExceededException($"The script's result is a string of {length} characters.");

        // Writes to the "variables" object are copied back, as in Elsa.
        var after = engine.GetValue("variables");
        if (after.IsObject())
        {
            foreach (var variable in workflow.Workflow.Variables)
            {
                var value = after.AsObject().Get(variable.Name);
                var before = variables[variable.Name];
                var now = ValueConverter.ToJsonNode(Normalize(value.ToObject()));
                if (!JsonNode.DeepEquals(before, now)) workflow.SetVariable(variable.Name, Normalize(value.ToObject()));
            }
        }
        return Normalize(result.ToObject());
    }

    /// <summary>Jint hands back doubles for every number; integral ones become longs again.</summary>
    private static object? Normalize(object? value) => value switch
    {
        double d when Math.Abs(d % 1) < double.Epsilon && d is >= long.MinValue and <= long.MaxValue => (long)d,
        JsValue js => Normalize(js.ToObject()),
        _ => value,
    };

    private static async ValueTask<object?> EvaluateLiquidAsync(string source, ActivityExecutionContext context, Expression expression)
    {
        try
        {
            return await RenderLiquidAsync(source, context);
        }
        catch (Exception e) when (e is not ExpressionException)
        {
            // Fluid's step and recursion limits throw while rendering, after EvaluateAsync has returned.
            throw Failed(expression, context, e);
        }
    }

    private static async ValueTask<object?> RenderLiquidAsync(string source, ActivityExecutionContext context)
    {
        if (!LiquidParser.TryParse(source, out var template, out var error))
            throw new ExpressionException($"Liquid template is invalid: {error}");
        var workflow = context.WorkflowExecutionContext;
        var templateContext = new TemplateContext(LiquidOptions);
        templateContext.SetValue("Variables", workflow.Workflow.Variables.ToDictionary(v => v.Name, v => workflow.GetVariable(v.Name)));
        templateContext.SetValue("Input", workflow.Input.ToDictionary(p => p.Key, p => ValueConverter.FromJsonNode(p.Value)));
        templateContext.SetValue("WorkflowInstanceId", workflow.State.InstanceId);
        templateContext.SetValue("WorkflowDefinitionId", workflow.State.DefinitionId);
        templateContext.SetValue("WorkflowDefinitionVersionId", workflow.State.DefinitionVersionId);
        templateContext.SetValue("WorkflowDefinitionVersion", workflow.State.DefinitionVersion);
        templateContext.SetValue("CorrelationId", workflow.State.CorrelationId);
        return await template.RenderAsync(templateContext);
    }

    private static TemplateOptions CreateLiquidOptions()
    {
        var options = new TemplateOptions { MaxSteps = LiquidMaxSteps, MaxRecursion = LiquidMaxRecursion };
        options.MemberAccessStrategy.MemberNameStrategy = MemberNameStrategies.Default;
        return options;
    }
}
