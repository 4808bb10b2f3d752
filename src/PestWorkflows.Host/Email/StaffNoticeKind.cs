namespace PestWorkflows.Host.Email;

/// <summary>Why a staff member gets an email about a task (each is one template, <see cref="StaffEmails"/>).</summary>
public enum StaffNoticeKind
{
    /// <summary>A new task for them, or for their role.</summary>
    NewTask,
    /// <summary>Step 1's deadline is near (to the coordinators).</summary>
    Reminder,
    /// <summary>Step 1 passed its deadline (to the school's leaders).</summary>
    Overdue,
    /// <summary>A task was handed to them, or to their role.</summary>
    Reassigned,
}
