namespace PestWorkflows.Host.Pupils.AccessExport;

/// <summary>Why an access export is refused: another school's (or no) pupil is "not found", a wrong role "forbidden".</summary>
public enum AccessExportRefusal { None, NotFound, Forbidden }
