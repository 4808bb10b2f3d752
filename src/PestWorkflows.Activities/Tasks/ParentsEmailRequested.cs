namespace PestWorkflows.Activities.Tasks;

/// <summary>
/// The protocol asks the host to email the parents of the case's pupils in <paramref name="Recipients"/>:
/// one email per pupil, rendered from the Liquid templates with a model that holds that pupil only.
/// <paramref name="AppointmentAt"/> (school time, no offset, or with one) makes it an invitation with an .ics.
/// </summary>
public sealed record ParentsEmailRequested(
    string WorkflowInstanceId,
    string ActivityId,
    string Kind,
    string Recipients,
    string Subject,
    string Body,
    bool IncludeParentLetter,
    string? AppointmentAt = null,
    string? AppointmentPlace = null,
    int AppointmentMinutes = 45);
