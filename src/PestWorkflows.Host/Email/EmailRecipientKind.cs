namespace PestWorkflows.Host.Email;

/// <summary>Who an email is for: the parents of one pupil get case details about that pupil only, staff get only a link.</summary>
public enum EmailRecipientKind
{
    Parent,
    Staff,
    Other,
}
