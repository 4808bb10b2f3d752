namespace PestWorkflows.Activities.Protocol;

/// <summary>Whose parents an <see cref="EmailParents"/> writes to: one email per pupil, about that pupil only.</summary>
public static class ParentsRecipients
{
    public const string Bullied = "Bullied";
    public const string Bully = "Bully";
    /// <summary>The parents of the bullied pupil(s) and of the bully (each their own email).</summary>
    public const string Involved = "Involved";

    public static readonly string[] All = [Bullied, Bully, Involved];
}
