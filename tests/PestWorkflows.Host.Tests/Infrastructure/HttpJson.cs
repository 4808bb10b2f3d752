using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace PestWorkflows.Host.Tests.Infrastructure;

public static class HttpJson
{
    public const string ElsaRoot = "/elsa/api";

    public static async Task<JsonNode> GetJsonAsync(this HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {url}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    public static async Task<JsonNode> PostJsonAsync(this HttpClient client, string url, JsonNode? body)
    {
        using var response = await client.PostAsync(url, Content(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {url}: {(int)response.StatusCode} {text}");
        return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!;
    }

    public static StringContent Content(JsonNode? body) => Text(body?.ToJsonString() ?? "{}");

    public static StringContent Text(string text) => new(text, Encoding.UTF8, "application/json");

    /// <summary>Saves (and publishes) a definition through the Studio's route; returns the stored model.</summary>
    public static async Task<JsonObject> SaveDefinitionAsync(this HttpClient client, JsonObject model, bool publish = true)
    {
        var response = await client.PostJsonAsync($"{ElsaRoot}/workflow-definitions", new JsonObject { ["model"] = model.DeepClone(), ["publish"] = publish });
        return response["workflowDefinition"]!.AsObject();
    }

    /// <summary>All versions of all definitions, as the list returns them.</summary>
    public static async Task<List<(string DefinitionId, int Version, bool IsPublished)>> ListVersionsAsync(this HttpClient client)
    {
        var list = await client.GetJsonAsync($"{ElsaRoot}/workflow-definitions?versionOptions=AllVersions");
        return list["items"]!.AsArray()
            .Select(i => ((string)i!["definitionId"]!, (int)i["version"]!, (bool)i["isPublished"]!))
            .OrderBy(v => v.Item1).ThenBy(v => v.Item2).ToList();
    }

    public static Task<T?> ReadAsync<T>(this HttpResponseMessage response) => response.Content.ReadFromJsonAsync<T>();
}
