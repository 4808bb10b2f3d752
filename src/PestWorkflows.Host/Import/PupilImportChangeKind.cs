namespace PestWorkflows.Host.Import;

public enum PupilImportChangeKind
{
    /// <summary>A pupil number the school does not know yet: a new pupil.</summary>
    Added,
    /// <summary>A known pupil whose name, group or parents differ.</summary>
    Changed,
    /// <summary>A known pupil exactly as in the file: left as it is.</summary>
    Unchanged,
}
