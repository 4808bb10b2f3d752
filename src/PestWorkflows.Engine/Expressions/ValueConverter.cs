using System.Collections;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PestWorkflows.Engine.Expressions;

/// <summary>Converts between expression results, JSON and the CLR types activities declare.</summary>
public static class ValueConverter
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    public static object? Convert(object? value, Type target)
    {
        var underlying = Nullable.GetUnderlyingType(target) ?? target;
        if (value is null) return null;
        if (value is JsonNode node) value = FromJsonNode(node);
        if (value is null) return null;
        if (underlying == typeof(object) || underlying.IsInstanceOfType(value)) return value;

        if (value is string text)
        {
            if (underlying == typeof(string)) return text;
            if (string.IsNullOrWhiteSpace(text)) return underlying.IsValueType ? Activator.CreateInstance(underlying) : null;
            if (underlying == typeof(bool)) return bool.Parse(text.Trim());
            if (underlying == typeof(TimeSpan)) return TimeSpan.Parse(text, CultureInfo.InvariantCulture);
            if (underlying == typeof(DateTimeOffset)) return DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            if (underlying == typeof(DateTime)) return DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
            if (underlying == typeof(Guid)) return Guid.Parse(text);
            if (underlying.IsEnum) return Enum.Parse(underlying, text, ignoreCase: true);
            if (underlying.IsPrimitive || underlying == typeof(decimal))
                return System.Convert.ChangeType(text, underlying, CultureInfo.InvariantCulture);
            // Collections and objects arrive as JSON text (Elsa's "Object" syntax).
            return JsonSerializer.Deserialize(text, underlying, Json);
        }

        if (underlying == typeof(string))
            return value is IFormattable f ? f.ToString(null, CultureInfo.InvariantCulture) : value.ToString();
        if (underlying.IsEnum)
            return value is string s ? Enum.Parse(underlying, s, true) : Enum.ToObject(underlying, System.Convert.ToInt32(value, CultureInfo.InvariantCulture));
        if ((underlying.IsPrimitive || underlying == typeof(decimal)) && value is IConvertible)
            return System.Convert.ChangeType(value, underlying, CultureInfo.InvariantCulture);
        if (underlying == typeof(TimeSpan) && value is double ms) return TimeSpan.FromMilliseconds(ms);

        return JsonSerializer.Deserialize(JsonSerializer.SerializeToNode(value, Json), underlying, Json);
    }

    public static JsonNode? ToJsonNode(object? value) => value switch
    {
        null => null,
        JsonNode node => node.DeepClone(),
        _ => JsonSerializer.SerializeToNode(value, value.GetType(), Json),
    };

    /// <summary>JSON to plain CLR values: strings, bools, longs or doubles, lists and dictionaries.</summary>
    public static object? FromJsonNode(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => o.ToDictionary(p => p.Key, p => FromJsonNode(p.Value)),
        JsonArray a => a.Select(FromJsonNode).ToList(),
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number => v.TryGetValue(out long l) ? l : v.TryGetValue(out int i) ? i : v.TryGetValue(out double d) ? d : (object)v.GetValue<decimal>(),
            _ => null,
        },
        _ => null,
    };

    /// <summary>Maps Elsa's variable type aliases (<c>Int32</c>, <c>String</c>, ...) to CLR types.</summary>
    public static Type TypeFromAlias(string? alias) => alias switch
    {
        "String" or "string" => typeof(string),
        "Int32" or "int" => typeof(int),
        "Int64" or "long" => typeof(long),
        "Boolean" or "bool" => typeof(bool),
        "Double" or "double" => typeof(double),
        "Decimal" or "decimal" => typeof(decimal),
        "DateTime" => typeof(DateTime),
        "DateTimeOffset" => typeof(DateTimeOffset),
        "TimeSpan" => typeof(TimeSpan),
        "Guid" => typeof(Guid),
        _ => typeof(object),
    };

    public static bool IsCollection(Type type) => type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type);
}
