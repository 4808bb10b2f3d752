using System.Collections;
using System.Reflection;
using System.Text.RegularExpressions;
using PestWorkflows.Engine.Model;

namespace PestWorkflows.Engine.Descriptors;

/// <summary>
/// The activity types this runtime knows, described from their classes' attributes. Descriptors
/// are never written by hand: add a class with <see cref="ActivityAttribute"/> and register it.
/// </summary>
public sealed partial class ActivityRegistry
{
    private readonly Dictionary<string, ActivityDescriptor> _byTypeName = new(StringComparer.Ordinal);

    /// <summary>A registry with Elsa's built-in activities.</summary>
    public static ActivityRegistry CreateDefault()
    {
        var registry = new ActivityRegistry();
        registry.RegisterAssembly(typeof(ActivityRegistry).Assembly);
        return registry;
    }

    public IReadOnlyCollection<ActivityDescriptor> All => _byTypeName.Values;

    public ActivityDescriptor? Find(string typeName) => _byTypeName.GetValueOrDefault(typeName);

    public ActivityRegistry RegisterAssembly(Assembly assembly)
    {
        foreach (var type in assembly.GetExportedTypes().Where(t => typeof(Activity).IsAssignableFrom(t) && !t.IsAbstract && t.GetCustomAttribute<ActivityAttribute>() is not null))
            Register(type);
        return this;
    }

    public ActivityDescriptor Register(Type type)
    {
        var descriptor = Describe(type);
        _byTypeName[descriptor.TypeName] = descriptor;
        return descriptor;
    }

    public static ActivityDescriptor Describe(Type type)
    {
        var attribute = type.GetCustomAttribute<ActivityAttribute>()
            ?? throw new ArgumentException($"{type.Name} has no [Activity] attribute.", nameof(type));
        var name = attribute.Type ?? type.Name;
        var inputs = new List<InputDescriptor>();
        var outputs = new List<OutputDescriptor>();
        var ports = new List<string>();

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetCustomAttribute<PortAttribute>() is not null) { ports.Add(property.Name); continue; }

            var input = property.GetCustomAttribute<InputAttribute>();
            var isWrapped = property.PropertyType.IsGenericType && property.PropertyType.GetGenericTypeDefinition() == typeof(Input<>);
            if (input is not null || isWrapped)
            {
                input ??= new InputAttribute();
                var valueType = isWrapped ? property.PropertyType.GetGenericArguments()[0] : property.PropertyType;
                inputs.Add(new InputDescriptor(
                    property.Name, valueType, TypeAlias(valueType),
                    input.DisplayName ?? Humanize(property.Name), input.Description,
                    input.UIHint ?? DefaultUIHint(valueType), input.Category,
                    input.Options ?? EnumOptions(valueType),
                    input.DefaultValue, input.DefaultSyntax, input.Order, input.IsBrowsable, input.IsReadOnly, isWrapped, property));
                continue;
            }

            if (property.PropertyType.IsGenericType && property.PropertyType.GetGenericTypeDefinition() == typeof(Output<>))
            {
                var output = property.GetCustomAttribute<OutputAttribute>() ?? new OutputAttribute();
                var valueType = property.PropertyType.GetGenericArguments()[0];
                outputs.Add(new OutputDescriptor(property.Name, valueType, TypeAlias(valueType), output.DisplayName ?? Humanize(property.Name), output.Description, output.IsBrowsable, property));
            }
        }

        var kind = typeof(ITrigger).IsAssignableFrom(type) ? ActivityKind.Trigger : attribute.Kind;
        return new ActivityDescriptor(
            $"{attribute.Namespace}.{name}", attribute.Namespace, name, attribute.Version,
            attribute.Category ?? attribute.Namespace.Split('.').Last(),
            attribute.DisplayName ?? Humanize(name), attribute.Description, kind, type,
            inputs, outputs,
            type.GetCustomAttribute<FlowNodeAttribute>()?.Outcomes ?? ["Done"],
            ports,
            typeof(IContainerActivity).IsAssignableFrom(type),
            typeof(IStartNode).IsAssignableFrom(type),
            typeof(ITerminalNode).IsAssignableFrom(type));
    }

    private static string[]? EnumOptions(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsEnum ? Enum.GetNames(t) : null;
    }

    /// <summary>Elsa's default UI hint for a property type.</summary>
    private static string DefaultUIHint(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t == typeof(bool)) return InputUIHints.Checkbox;
        if (t == typeof(string)) return InputUIHints.SingleLine;
        if (typeof(IEnumerable).IsAssignableFrom(t)) return InputUIHints.DropDown;
        if (t.IsEnum) return InputUIHints.DropDown;
        if (t == typeof(Variable)) return InputUIHints.VariablePicker;
        return InputUIHints.SingleLine;
    }

    /// <summary>Elsa's type aliases for the common types.</summary>
    public static string TypeAlias(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t switch
        {
            _ when t == typeof(string) => "String",
            _ when t == typeof(bool) => "Boolean",
            _ when t == typeof(int) => "Int32",
            _ when t == typeof(long) => "Int64",
            _ when t == typeof(double) => "Double",
            _ when t == typeof(decimal) => "Decimal",
            _ when t == typeof(DateTime) => "DateTime",
            _ when t == typeof(DateTimeOffset) => "DateTimeOffset",
            _ when t == typeof(TimeSpan) => "TimeSpan",
            _ when t == typeof(object) => "Object",
            _ when t == typeof(List<string>) => "StringList",
            _ => t.FullName ?? t.Name,
        };
    }

    /// <summary>"ConversationWithBully" → "Conversation With Bully".</summary>
    public static string Humanize(string name) => WordBoundary().Replace(name, " $1").Trim();

    [GeneratedRegex("(?<=[a-z0-9])([A-Z])")]
    private static partial Regex WordBoundary();
}
