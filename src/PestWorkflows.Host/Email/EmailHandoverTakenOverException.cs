namespace PestWorkflows.Host.Email;

/// <summary>Thrown inside a handover when the attempt is no longer this batch's (another dispatcher took the email back): nothing is sent.</summary>
internal sealed class EmailHandoverTakenOverException() : Exception("Another dispatcher took this email over; not handed over.");
