namespace PestWorkflows.Host.Email;

/// <summary>
/// One email of a case as the coordinator sees it: to whom, about which pupil, where it is
/// (<paramref name="StatusText"/> in Dutch) and whether it may be sent again.
/// </summary>
public sealed record CaseEmailDto(
    string Id,
    string To,
    string? ToName,
    string RecipientKind,
    string? PupilId,
    string? PupilName,
    string Template,
    string Subject,
    string Status,
    string StatusText,
    int Attempts,
    DateTimeOffset CreatedAt,
    DateTimeOffset? SentAt,
    string? LastError,
    bool CanResend,
    string PageUrl);
