namespace PestWorkflows.Engine;

/// <summary>
/// SQLite's <c>synchronous</c> setting for the engine's connections (the values are SQLite's own).
/// With <see cref="Full"/> every commit is on disk before it is acknowledged; with <see cref="Normal"/>
/// (in WAL mode) a power cut or OS crash can roll back the last commits, though never corrupt the file.
/// </summary>
public enum SqliteSynchronous
{
    Normal = 1,
    Full = 2,
}
