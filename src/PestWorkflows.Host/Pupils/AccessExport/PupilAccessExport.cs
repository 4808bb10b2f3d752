namespace PestWorkflows.Host.Pupils.AccessExport;

/// <summary>Everything the school keeps about one pupil, for an access request (AVG art. 15). Other pupils appear only as "andere leerling".</summary>
public sealed record PupilAccessExport(string ExportedAt, string School, ExportedPupil Pupil, IReadOnlyList<ExportedParent> Parents, IReadOnlyList<ExportedCase> Cases, IReadOnlyList<ExportedEmail> Emails, string DocumentsNote);
