using Microsoft.Extensions.Caching.Memory;

namespace PestWorkflows.Host.Import;

/// <summary>
/// The files previewed on the import page, kept in this host's memory by school and SHA-256 until the
/// person confirms (an hour at most). The confirm names the hash it saw, so it imports exactly the
/// previewed bytes; a confirm that reaches another host or comes later is asked to upload again.
/// </summary>
public sealed class PendingImports(IMemoryCache cache)
{
    private static readonly TimeSpan KeptFor = TimeSpan.FromHours(1);

    public void Keep(string schoolId, string hash, byte[] content) =>
        cache.Set(Key(schoolId, hash), content, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = KeptFor, Size = content.Length });

    public byte[]? Find(string schoolId, string hash) => cache.TryGetValue(Key(schoolId, hash), out byte[]? content) ? content : null;

    public void Forget(string schoolId, string hash) => cache.Remove(Key(schoolId, hash));

    private static string Key(string schoolId, string hash) => $"pupil-import:{schoolId}:{hash}";
}
