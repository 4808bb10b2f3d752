namespace PestWorkflows.Host.Schools;

/// <summary>
/// Each school is one tenant in the engine: its definitions, instances, bookmarks and events stay
/// within it. The tenant id is the school id.
/// </summary>
public static class SchoolTenant
{
    public static string Of(string schoolId) => schoolId;
}
