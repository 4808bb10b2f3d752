using System.Text.Json;
using System.Text.Json.Serialization;

namespace PestWorkflows.Host.Api;

/// <summary>
/// Reads a JSON request body so that malformed JSON and wrongly typed fields come back as a 400
/// naming the field, instead of a bare "bad request".
/// </summary>
public static class JsonBody
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        AllowTrailingCommas = true,
    };

    public static async Task<(T? Value, Dictionary<string, string[]>? Errors)> ReadAsync<T>(HttpRequest request, CancellationToken ct) where T : class
    {
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, Options, ct);
            return value is null
                ? (null, new Dictionary<string, string[]> { ["body"] = ["De aanvraag heeft geen inhoud."] })
                : (value, null);
        }
        catch (JsonException e)
        {
            // A value of the wrong type names its field; broken JSON names the body and where it broke.
            var conversion = e.Message.Contains("could not be converted", StringComparison.Ordinal) && e.Path is { Length: > 1 };
            if (conversion)
            {
                var field = e.Path!.TrimStart('$', '.');
                return (null, new Dictionary<string, string[]> { [field] = [$"Ongeldige waarde voor '{field}'."] });
            }
            return (null, new Dictionary<string, string[]>
            {
                ["body"] = [$"Ongeldige JSON (regel {(e.LineNumber ?? 0) + 1}, positie {(e.BytePositionInLine ?? 0) + 1})."],
            });
        }
    }
}
