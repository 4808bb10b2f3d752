using System.Text.Json.Serialization;

namespace PestWorkflows.Host.Cases;

[JsonConverter(typeof(JsonStringEnumConverter<PupilRole>))]
public enum PupilRole { Bullied, Bully, Follower, Helper, Unknown }

[JsonConverter(typeof(JsonStringEnumConverter<CaseStatus>))]
public enum CaseStatus { Open, Closed }

/// <summary>The school's record of one bullying matter, driven by one workflow instance.</summary>
public sealed class Case
{
    public string Id { get; set; } = "";
    public string SchoolId { get; set; } = "";
    public string ReporterId { get; set; } = "";
    public string WorkflowInstanceId { get; set; } = "";
    public string DefinitionId { get; set; } = "";
    /// <summary>The report form's token or the API's Idempotency-Key the case was reported with: the
    /// same reporter sending the same token again gets this case (unique per reporter).</summary>
    public string? SubmissionToken { get; set; }

    // The signal
    public string Description { get; set; } = "";
    public DateTimeOffset ObservedAt { get; set; }
    public string Location { get; set; } = "";
    /// <summary>The child's boundary was clearly crossed and telling each other to stop did not work.</summary>
    public bool BoundaryCrossed { get; set; }
    public DateTimeOffset ReportedAt { get; set; }

    public CaseStatus Status { get; set; }
    public int CurrentStep { get; set; }
    public string CurrentStepTitle { get; set; } = "";
    public bool IsOverdue { get; set; }
    public CaseOutcome? Outcome { get; set; }
    /// <summary>The protocol step the case had reached when it closed (2 when no bullying, else 5, 6 or 7).</summary>
    public int? EndedAtStep { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }

    /// <summary>The reference ESIS gave the registration ("Registreren in ESIS door leerkracht").</summary>
    public string? EsisReference { get; set; }
    public DateTimeOffset? EsisRegisteredAt { get; set; }

    /// <summary>When the retention period ran out and the case's personal data was removed
    /// (<see cref="Retention.CaseRetention"/>); what the annual report counts stays.</summary>
    public DateTimeOffset? AnonymisedAt { get; set; }

    public List<CasePupil> Pupils { get; set; } = new();
    public List<TimelineEntry> Timeline { get; set; } = new();
}

public sealed class CasePupil
{
    public int Id { get; set; }
    public string CaseId { get; set; } = "";
    /// <summary>The pupil; empty once the case is anonymised (<see cref="Case.AnonymisedAt"/>).</summary>
    public string PupilId { get; set; } = "";
    public PupilRole Role { get; set; }
    /// <summary>The pupil's group when the signal was reported: the annual report counts cases per group
    /// by it, also after the pupil moved up a group, left the school or the case was anonymised.</summary>
    public string? GroupId { get; set; }
}

/// <summary>One line of a case's timeline, in Dutch.</summary>
public sealed class TimelineEntry
{
    public int Id { get; set; }
    public string CaseId { get; set; } = "";
    public DateTimeOffset At { get; set; }
    public string Kind { get; set; } = "";
    public string Text { get; set; } = "";
    public string? ActorUserId { get; set; }
    /// <summary>The document this line is about (a step added it), shown with a link.</summary>
    public string? DocumentId { get; set; }
}

public static class PupilRoles
{
    public static string Dutch(PupilRole role) => role switch
    {
        PupilRole.Bullied => "gepeste",
        PupilRole.Bully => "pester",
        PupilRole.Follower => "meeloper",
        PupilRole.Helper => "helper",
        _ => "onbekend",
    };

    /// <summary>The API takes the English names; the message names each with what a Dutch reader calls it.</summary>
    public static readonly string ChooseMessage = "Kies een rol: " + string.Join(", ", Enum.GetValues<PupilRole>().SkipLast(1).Select(Named))
        + " of " + Named(Enum.GetValues<PupilRole>()[^1]) + ".";

    private static string Named(PupilRole role) => $"{role} ({Dutch(role)})";
}
