namespace PestWorkflows.Host.Cases;

/// <summary>One value a completed step recorded, as a person reads it ("Verslag van het gesprek": "...").</summary>
public sealed record StepNote(string Label, string Value);
