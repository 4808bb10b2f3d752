namespace PestWorkflows.Host.Import;

/// <summary>An uploaded file's bytes, read whole: the import hashes and parses them more than once.</summary>
public static class PupilImportUpload
{
    public static async Task<byte[]> ReadAsync(IFormFile file, CancellationToken ct)
    {
        using var buffer = new MemoryStream((int)file.Length);
        await using var stream = file.OpenReadStream();
        await stream.CopyToAsync(buffer, ct);
        return buffer.ToArray();
    }
}
