namespace PestWorkflows.Host.Audit;

/// <summary>
/// The audit table and the triggers that make it append-only in the database itself, so not even a
/// mistaken query or a hand-typed statement changes or removes a line. Used by the AuditTrail migrations.
/// </summary>
public static class AuditSchema
{
    public const string Table = "audit_trail";

    public const string RefusalMessage = "audit_trail is append-only";

    public static readonly string[] SqliteUp =
    [
        $"CREATE TRIGGER audit_trail_no_update BEFORE UPDATE ON {Table} BEGIN SELECT RAISE(ABORT, '{RefusalMessage}'); END;",
        $"CREATE TRIGGER audit_trail_no_delete BEFORE DELETE ON {Table} BEGIN SELECT RAISE(ABORT, '{RefusalMessage}'); END;",
    ];

    public static readonly string[] SqliteDown = ["DROP TRIGGER IF EXISTS audit_trail_no_update;", "DROP TRIGGER IF EXISTS audit_trail_no_delete;"];

    public static readonly string[] PostgresUp =
    [
        $"""
        CREATE FUNCTION audit_trail_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '{RefusalMessage}';
        END;
        $$;
        """,
        // TRUNCATE skips row triggers; a statement trigger catches it too.
        $"CREATE TRIGGER audit_trail_no_change BEFORE UPDATE OR DELETE ON {Table} FOR EACH ROW EXECUTE FUNCTION audit_trail_refuse_change();",
        $"CREATE TRIGGER audit_trail_no_truncate BEFORE TRUNCATE ON {Table} FOR EACH STATEMENT EXECUTE FUNCTION audit_trail_refuse_change();",
    ];

    public static readonly string[] PostgresDown =
    [
        $"DROP TRIGGER IF EXISTS audit_trail_no_truncate ON {Table};",
        $"DROP TRIGGER IF EXISTS audit_trail_no_change ON {Table};",
        "DROP FUNCTION IF EXISTS audit_trail_refuse_change();",
    ];
}
