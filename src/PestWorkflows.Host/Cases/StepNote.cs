namespace PestWorkflows.Host.Cases;

/// <summary>One value a completed step recorded, as a person reads it ("Verslag van het gesprek": "...");
/// for a file field the document, shown with its name, size and a link.</summary>
public sealed record StepNote(string Label, string Value, Documents.CaseDocumentDto? Document = null);
