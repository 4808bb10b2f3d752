using Microsoft.EntityFrameworkCore;
using PestWorkflows.Activities.Tasks;
using PestWorkflows.Host.Access;
using PestWorkflows.Host.Cases;
using PestWorkflows.Host.Data;
using PestWorkflows.Host.Identity;

namespace PestWorkflows.Host.Documents;

/// <summary>
/// Storing, finding and removing the documents of a case, and who may do so: a document is seen
/// by whoever may see its case, and added by whoever may act on an open task of the case that asks
/// for a file.
/// </summary>
public sealed class CaseDocuments(AppDbContext db, DocumentFiles files, StaffAccess access, Audit.AuditTrail audit, TimeProvider clock, ILogger<CaseDocuments> logger)
{
    /// <summary>The largest document: a phone photo or a scan of a signed sheet fits easily.</summary>
    public const long MaxBytes = 10 * 1024 * 1024;
    public const string TooLarge = "Het bestand is te groot (maximaal 10 MB).";
    public const string WrongKind = "Alleen PDF, JPEG of PNG.";
    public const string Empty = "Het bestand is leeg.";
    /// <summary>An upload no completed task took up is removed after this long.</summary>
    public static readonly TimeSpan UnlinkedKeptFor = TimeSpan.FromDays(1);

    // A document follows its case (AccessRules.SeeCase) and the task that asks for it (AccessRules.ActOnTask).
    public Task<bool> MaySeeAsync(Staff staff, string caseId, CancellationToken ct) =>
        access.Cases(staff).AnyAsync(c => c.Id == caseId, ct);

    public async Task<bool> MayAddAsync(Staff staff, string caseId, CancellationToken ct)
    {
        var open = await access.ActableTasks(staff).AsNoTracking().Where(t => t.CaseId == caseId && t.Status == CaseTaskStatus.Open).ToListAsync(ct);
        return open.Any(t => TaskForm.Fields(t).Any(f => f.Type == TaskFieldType.File));
    }

    /// <summary>
    /// Checks the upload (at most <see cref="MaxBytes"/>, PDF, JPEG or PNG by its first bytes) and
    /// stores it for the case, not yet linked to a task: the file first, then its row. The caller has
    /// checked that the person may add it (<see cref="MayAddAsync"/>, or may act on the task).
    /// </summary>
    public async Task<DocumentUpload> StoreAsync(Staff staff, string caseId, IFormFile upload, CancellationToken ct)
    {
        if (upload.Length > MaxBytes) return DocumentUpload.Refused(TooLarge);
        if (upload.Length == 0) return DocumentUpload.Refused(Empty);
        var head = new byte[DocumentKind.HeaderLength];
        int read;
        await using (var stream = upload.OpenReadStream())
            read = await stream.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct);
        if (DocumentKind.Detect(head.AsSpan(0, read)) is not { } kind) return DocumentUpload.Refused(WrongKind);

        var document = new CaseDocument
        {
            Id = Guid.NewGuid().ToString("N"),
            CaseId = caseId,
            SchoolId = staff.SchoolId,
            FileName = kind.SafeFileName(upload.FileName),
            ContentType = kind.ContentType,
            UploadedByUserId = staff.Id,
            UploadedAt = clock.GetUtcNow(),
        };
        await using (var content = upload.OpenReadStream())
            (document.Size, document.Sha256) = await files.WriteAsync(document.Id, content, ct);
        try
        {
            db.Documents.Add(document);
            audit.Add(db, staff, Audit.AuditActions.DocumentUploaded, Audit.AuditResource.Document(caseId, document.Id));
            await db.SaveChangesAsync(ct);
        }
        catch
        {
            files.Delete(document.Id);
            throw;
        }
        logger.LogInformation("Document {DocumentId} ({ContentType}, {Size} bytes) added to case {CaseId} by {StaffId}",
            document.Id, document.ContentType, document.Size, caseId, staff.Id);
        return new DocumentUpload(document, null);
    }

    /// <summary>
    /// A document of the case, for someone who may see the case: linked ones for all of them, one
    /// not yet linked only for its uploader. Null otherwise, as for a document that does not exist.
    /// </summary>
    public async Task<CaseDocument?> FindAsync(Staff staff, string caseId, string documentId, CancellationToken ct)
    {
        var document = await db.Documents.AsNoTracking().FirstOrDefaultAsync(d => d.Id == documentId && d.CaseId == caseId && d.SchoolId == staff.SchoolId, ct);
        if (document is null || (document.TaskId is null && document.UploadedByUserId != staff.Id)) return null;
        return await MaySeeAsync(staff, caseId, ct) ? document : null;
    }

    /// <summary>An upload of this person for this case that no task has taken up yet (a form sent back with errors keeps it).</summary>
    public Task<CaseDocument?> FindUnlinkedAsync(Staff staff, string caseId, string documentId, CancellationToken ct) =>
        db.Documents.AsNoTracking().FirstOrDefaultAsync(d => d.Id == documentId && d.CaseId == caseId && d.TaskId == null && d.UploadedByUserId == staff.Id, ct);

    /// <summary>The content; null when the file is gone (logged: the row says it should be there).</summary>
    public Stream? Open(CaseDocument document)
    {
        var stream = files.OpenRead(document.Id);
        if (stream is null) logger.LogError("The file of document {DocumentId} of case {CaseId} is missing from {Folder}", document.Id, document.CaseId, files.Folder);
        return stream;
    }

    /// <summary>Removes an upload no step took up: its row, then its file.</summary>
    public async Task RemoveUnlinkedAsync(string documentId, CancellationToken ct)
    {
        var removed = await db.Documents.Where(d => d.Id == documentId && d.TaskId == null).ExecuteDeleteAsync(ct);
        if (removed > 0) files.Delete(documentId);
    }

    /// <summary>
    /// Removes what no completed task took up: uploads older than <see cref="UnlinkedKeptFor"/> (an
    /// API upload never referenced, a form left with errors), and files without a row (a crash
    /// between writing the file and its row). Returns how many were removed.
    /// </summary>
    public async Task<int> RemoveOrphansAsync(CancellationToken ct)
    {
        var before = clock.GetUtcNow() - UnlinkedKeptFor;
        var stale = await db.Documents.Where(d => d.TaskId == null && d.UploadedAt < before).Select(d => d.Id).ToListAsync(ct);
        foreach (var id in stale) await RemoveUnlinkedAsync(id, ct);

        var known = (await db.Documents.Select(d => d.Id).ToListAsync(ct)).ToHashSet();
        var strays = files.List().Where(f => !known.Contains(f.Name) && f.WrittenAt < before).Select(f => f.Name).ToList();
        foreach (var name in strays) files.DeleteFile(name);
        if (stale.Count + strays.Count > 0)
            logger.LogInformation("Removed {Count} documents no task took up and {Strays} files without a document", stale.Count, strays.Count);
        return stale.Count + strays.Count;
    }
}
