namespace PestWorkflows.Activities.Tasks;

/// <summary>
/// The protocol asks the host to invite the people chosen for the MDO: each gets an email (with an
/// .ics) that names only the pupil the MDO is about, the bully. <paramref name="Invitees"/> is
/// <c>{ staff: [userId], otherAddresses: "a@b\nc@d", inviteBullyParents: bool }</c>.
/// </summary>
public sealed record MdoInvitationRequested(
    string WorkflowInstanceId,
    string ActivityId,
    string Subject,
    string Body,
    string? AppointmentAt,
    string? AppointmentPlace,
    int AppointmentMinutes,
    string? Invitees);
