using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using PestWorkflows.Engine;

namespace PestWorkflows.Host.Documents;

/// <summary>
/// The folder the case documents lie in, by document id: <c>Documents:Path</c>, or else a
/// <c>documents</c> folder beside the SQLite database (<c>data/documents</c> with PostgreSQL).
/// Never inside the web root, so no static-file route can ever serve one; the host refuses to
/// start when it would be.
/// </summary>
public sealed class DocumentFiles
{
    public DocumentFiles(string folder, string? webRootPath)
    {
        Folder = Path.GetFullPath(folder);
        if (webRootPath is { Length: > 0 } && IsInside(Folder, Path.GetFullPath(webRootPath)))
            throw new InvalidOperationException(
                $"Documents:Path is '{Folder}', inside the web root '{webRootPath}', where anyone could download the documents. Choose a folder outside it.");
        Directory.CreateDirectory(Folder);
    }

    public string Folder { get; }

    /// <summary>Where the documents go when <c>Documents:Path</c> is not set.</summary>
    public static string DefaultFolder(DatabaseProvider provider, string connectionString)
    {
        if (provider == DatabaseProvider.Sqlite && new SqliteConnectionStringBuilder(connectionString).DataSource is { Length: > 0 } file && file != ":memory:")
            return Path.Combine(Path.GetDirectoryName(Path.GetFullPath(file))!, "documents");
        return Path.Combine("data", "documents");
    }

    public string PathOf(string documentId) =>
        // Ids are ours (hex), but a path is never built from anything else.
        documentId.All(char.IsAsciiHexDigitLower) && documentId.Length > 0 ? Path.Combine(Folder, documentId) : throw new ArgumentException("Not a document id.", nameof(documentId));

    /// <summary>Writes the content under the id (a partial file never carries the id's name) and returns its size and SHA-256.</summary>
    public async Task<(long Size, string Sha256)> WriteAsync(string documentId, Stream content, CancellationToken ct)
    {
        var target = PathOf(documentId);
        var partial = target + ".part";
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long size = 0;
        try
        {
            await using (var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                var buffer = new byte[81920];
                int read;
                while ((read = await content.ReadAsync(buffer, ct)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), ct);
                    size += read;
                }
                await file.FlushAsync(ct);
                file.Flush(flushToDisk: true);
            }
            File.Move(partial, target);
        }
        catch
        {
            File.Delete(partial);
            throw;
        }
        return (size, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    /// <summary>The document's content; null when the file is gone.</summary>
    public Stream? OpenRead(string documentId)
    {
        try
        {
            return new FileStream(PathOf(documentId), FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    public void Delete(string documentId) => File.Delete(PathOf(documentId));

    /// <summary>The files in the folder (ids, and partial files a crash left), with when they were last written.</summary>
    public IEnumerable<(string Name, DateTimeOffset WrittenAt)> List() =>
        new DirectoryInfo(Folder).EnumerateFiles().Select(f => (f.Name, new DateTimeOffset(f.LastWriteTimeUtc, TimeSpan.Zero)));

    public void DeleteFile(string name) => File.Delete(Path.Combine(Folder, Path.GetFileName(name)));

    private static bool IsInside(string folder, string root)
    {
        var relative = Path.GetRelativePath(root, folder);
        return relative == "." || (!relative.StartsWith("..", StringComparison.Ordinal) && !Path.IsPathRooted(relative));
    }
}
