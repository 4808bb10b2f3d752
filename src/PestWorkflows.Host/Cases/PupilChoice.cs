namespace PestWorkflows.Host.Cases;

/// <summary>A pupil chosen on the report form, with the role they had.</summary>
public sealed class PupilChoice
{
    public string? PupilId { get; set; }
    public PupilRole? Role { get; set; }
}
