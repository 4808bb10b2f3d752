namespace PestWorkflows.Host.Schools;

/// <summary>A school of the board. Every user, pupil, case and setting belongs to one.</summary>
public sealed class School
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    /// <summary>End of the school day, local time: signals after it are due the next school day.</summary>
    public TimeOnly SchoolDayEnd { get; set; } = new(17, 0);
    public string TimeZoneId { get; set; } = "Europe/Amsterdam";
    public List<SchoolHolidayPeriod> Holidays { get; set; } = new();
    /// <summary>How many years after a case closed its personal data is removed (<see cref="Retention.CaseRetention"/>).</summary>
    public int RetentionYears { get; set; } = Retention.RetentionPeriod.DefaultYears;

    /// <summary>The school's own copy of the protocol, so its coordinator can change it alone.</summary>
    public string ProtocolDefinitionId => SchoolProtocols.CopyIdOf(Id);
}

/// <summary>Days without school (a holiday week, a study day), both ends included.</summary>
public sealed class SchoolHolidayPeriod
{
    public int Id { get; set; }
    public string SchoolId { get; set; } = "";
    public DateOnly From { get; set; }
    public DateOnly To { get; set; }
    public string Name { get; set; } = "";
}

/// <summary>A class: groep 1 to 8.</summary>
public sealed class Group
{
    public string Id { get; set; } = "";
    public string SchoolId { get; set; } = "";
    public string Name { get; set; } = "";
    public int Year { get; set; }
    public string? TeacherUserId { get; set; }
}

public sealed class Pupil
{
    public string Id { get; set; } = "";
    public string SchoolId { get; set; } = "";
    public string GroupId { get; set; } = "";
    /// <summary>The pupil's number in the school's administration (ESIS, ParnasSys): the import's key.</summary>
    public string? PupilNumber { get; set; }
    public string FirstName { get; set; } = "";
    public string LastName { get; set; } = "";
    public List<Guardian> Guardians { get; set; } = new();

    public string FullName => $"{FirstName} {LastName}";
}

/// <summary>A parent or guardian: receives emails about their own child only.</summary>
public sealed class Guardian
{
    public int Id { get; set; }
    public string PupilId { get; set; } = "";
    public string Name { get; set; } = "";
    public string Email { get; set; } = "";
}
