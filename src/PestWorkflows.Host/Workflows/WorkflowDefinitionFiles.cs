using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PestWorkflows.Engine.Persistence;
using PestWorkflows.Engine.Runtime;
using PestWorkflows.Engine.Serialization;

namespace PestWorkflows.Host.Workflows;

/// <summary>What loading one definition file did.</summary>
public enum DefinitionFileResult
{
    /// <summary>A new version was saved and published.</summary>
    Published,
    /// <summary>The latest stored version already has this root and these variables; nothing was written.</summary>
    Unchanged,
    /// <summary>The file is not a valid definition; it was logged and skipped.</summary>
    Skipped,
}

/// <summary>
/// Loads the Elsa workflow definitions in the <c>workflows/</c> folder at start-up, idempotently:
/// when the latest stored version of a file's definition has the same <c>root</c> and
/// <c>variables</c>, nothing is written (so a restart creates no new version); otherwise the file
/// is saved and published as the new current version. A file that fails validation is logged
/// with its problems and skipped; the host still starts. The files are shared by every school
/// (tenant <see cref="Tenants.Shared"/>): schools start them and copy them, only this loader changes them.
/// </summary>
/// <remarks>
/// The file wins over the database: a version edited in the designer since the file was loaded
/// is superseded by the file's content at the next start (an unpublished designer draft is
/// overwritten, because saving edits the latest draft in place).
/// </remarks>
public sealed class WorkflowDefinitionFiles(
    WorkflowDefinitionStore store,
    IDbContextFactory<WorkflowDbContext> dbFactory,
    ILogger<WorkflowDefinitionFiles> logger)
{
    public const string FolderName = "workflows";
    public const string PathSetting = "Workflows:DefinitionsPath";

    /// <summary>
    /// The folder from <c>Workflows:DefinitionsPath</c> (relative to the content root), or else the
    /// first <c>workflows</c> folder found walking up from the content root. Null when there is none.
    /// </summary>
    public static string? ResolveFolder(IConfiguration configuration, string contentRoot)
    {
        var configured = configuration[PathSetting];
        if (!string.IsNullOrWhiteSpace(configured))
            return Path.GetFullPath(configured, contentRoot);

        for (var dir = new DirectoryInfo(contentRoot); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, FolderName);
            if (Directory.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>Loads every <c>*.json</c> in the folder, in name order.</summary>
    public async Task<IReadOnlyDictionary<string, DefinitionFileResult>> LoadAsync(string folder, CancellationToken ct = default)
    {
        var results = new Dictionary<string, DefinitionFileResult>(StringComparer.Ordinal);
        if (!Directory.Exists(folder))
        {
            logger.LogWarning("Workflows folder {Folder} does not exist; no definitions loaded from disk", folder);
            return results;
        }

        foreach (var file in Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal))
            results[file] = await LoadFileAsync(file, ct);

        logger.LogInformation("Workflow definitions from {Folder}: {Published} published, {Unchanged} unchanged, {Skipped} skipped",
            folder,
            results.Values.Count(r => r == DefinitionFileResult.Published),
            results.Values.Count(r => r == DefinitionFileResult.Unchanged),
            results.Values.Count(r => r == DefinitionFileResult.Skipped));
        return results;
    }

    public async Task<DefinitionFileResult> LoadFileAsync(string file, CancellationToken ct = default)
    {
        try
        {
            var document = WorkflowDefinitionJson.Parse(await File.ReadAllTextAsync(file, ct));
            var definitionId = (string?)(document["definitionId"] as JsonValue);
            if (string.IsNullOrWhiteSpace(definitionId))
            {
                // Without a definition id every start would create a new definition; the file name is stable.
                definitionId = Path.GetFileNameWithoutExtension(file);
                document["definitionId"] = definitionId;
            }

            var latest = await FindLatestAsync(definitionId, ct);
            if (latest is not null && SameContent(latest.Value.Document, document))
            {
                // Equal but unpublished happens when a start was interrupted between save and publish.
                if (!latest.Value.IsPublished) await store.PublishAsync(Tenants.Shared, definitionId, ct);
                logger.LogDebug("Workflow {DefinitionId} from {File} is unchanged", definitionId, file);
                return DefinitionFileResult.Unchanged;
            }

            var published = await store.ImportAsync(Tenants.Shared, document, publish: true, ct);
            logger.LogInformation("Workflow {DefinitionId} version {Version} published from {File}", published.DefinitionId, published.Version, file);
            return DefinitionFileResult.Published;
        }
        catch (WorkflowDefinitionException e)
        {
            logger.LogWarning("Workflow file {File} skipped: {Problems}", file, string.Join(" ", e.Problems));
            return DefinitionFileResult.Skipped;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Workflow file {File} skipped: it cannot be read ({Reason})", file, e.Message);
            return DefinitionFileResult.Skipped;
        }
        catch (DefinitionOfOtherTenantException e)
        {
            // A school's own definition has this id; the shared file does not replace it.
            logger.LogWarning("Workflow file {File} skipped: definition {DefinitionId} belongs to a school, not to the shared definitions", file, e.DefinitionId);
            return DefinitionFileResult.Skipped;
        }
        catch (DbUpdateException e)
        {
            // Another host instance on the same database imported it at the same moment.
            logger.LogWarning("Workflow file {File} skipped: storing it failed ({Reason})", file, e.InnerException?.Message ?? e.Message);
            return DefinitionFileResult.Skipped;
        }
    }

    private async Task<(JsonObject Document, bool IsPublished)?> FindLatestAsync(string definitionId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var latest = await db.Definitions.AsNoTracking()
            .Where(d => d.DefinitionId == definitionId)
            .OrderByDescending(d => d.IsLatest).ThenByDescending(d => d.Version)
            .Select(d => new { d.Json, d.IsPublished })
            .FirstOrDefaultAsync(ct);
        return latest is null ? null : (WorkflowDefinitionJson.Parse(latest.Json), latest.IsPublished);
    }

    /// <summary>Same root and variables, compared in the form the store writes (legacy connections normalized).</summary>
    private static bool SameContent(JsonObject stored, JsonObject file)
    {
        var written = WorkflowDefinitionJson.Write(file);
        return JsonNode.DeepEquals(stored["root"], written["root"]) && JsonNode.DeepEquals(stored["variables"], written["variables"]);
    }
}
