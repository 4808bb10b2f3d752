using System.Net;
using System.Text.Json.Nodes;

namespace PestWorkflows.Host.Tests.Infrastructure;

/// <summary>An HTTP answer read in full: status, media type and body, for assertions on any status.</summary>
public sealed record ApiAnswer(HttpStatusCode Status, string? MediaType, string Text, HttpResponseMessage Response)
{
    public JsonNode Json => JsonNode.Parse(Text)!;

    public static async Task<ApiAnswer> ReadAsync(HttpResponseMessage response) =>
        new(response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync(), response);

    /// <summary>The answer has this status and is RFC 7807 problem details.</summary>
    public static void AssertProblem(ApiAnswer answer, HttpStatusCode status, string what)
    {
        Assert.True(answer.Status == status, $"{what}: expected {(int)status}, got {(int)answer.Status} {answer.Text}");
        Assert.Equal("application/problem+json", answer.MediaType);
    }
}
