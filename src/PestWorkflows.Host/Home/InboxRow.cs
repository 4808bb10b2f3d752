namespace PestWorkflows.Host.Home;

/// <summary>One task in the inbox, as the page shows it.</summary>
public sealed record InboxRow(
    string TaskId,
    string CaseId,
    string Title,
    int Step,
    string Pupils,
    DateTimeOffset? DueAt,
    bool IsOverdue,
    bool IsDueToday,
    bool IsMine,
    /// <summary>The colleague the task is assigned to, when it is not the person reading.</summary>
    string? AssigneeName,
    /// <summary>The role the task is meant for (it can be given back to it); null for a personal task.</summary>
    string? RoleLabel,
    /// <summary>The person may open the case's dossier.</summary>
    bool MaySeeCase,
    bool MayClaim,
    /// <summary>The person may hand the task to someone else (on the task page, with a reason).</summary>
    bool MayAssign);
