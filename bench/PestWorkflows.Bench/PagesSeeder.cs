using Microsoft.Data.Sqlite;

namespace PestWorkflows.Bench;

/// <summary>
/// Fills the host's database (its own schema, migrated by the host) with schools, staff, groups,
/// pupils and cases by raw SQL, each batch in one transaction: cases with two pupils each, their
/// timeline, two completed steps with what they recorded, and for the recent cases an open step
/// (for the coordinator's role or assigned to a teacher). The demo schools "regenboog" and "vlinder"
/// are two of the schools; the rest are copies of their shape.
/// </summary>
public sealed class PagesSeeder(string connectionString)
{
    public const int Schools = 50;
    private const int GroupsPerSchool = 8;
    private const int PupilsPerGroup = 25;
    /// <summary>Cases reported in the last this many days are open; about 6 % over the spread below.</summary>
    private const int OpenDays = 60;
    private const int SpreadDays = 1000;

    private readonly Random _random = new(20261129);
    private readonly List<BenchSchool> _schools = [];
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;
    private Template _template = null!;
    private int _cases;

    /// <summary>The demo school's cases by who reported them, to pick dossiers the personas may open.</summary>
    public List<(string CaseId, string InstanceId, string ReporterId)> RegenboogCases { get; } = [];

    public int CaseCount => _cases;

    private sealed record BenchSchool(string Id, string CoordinatorId, string[] TeacherIds, string[] PupilIds);

    /// <summary>What a real case of the demo school looks like: its first task's form and its instance row.</summary>
    private sealed record Template(string DefinitionId, string ActivityId, string ActivityType, string Title, string FieldsJson, string OutcomesJson, string InstanceId);

    public async Task PrepareAsync(CancellationToken ct)
    {
        await using var db = await OpenAsync(ct);
        _template = await ReadTemplateAsync(db, ct);
        var roles = new Dictionary<string, string>();
        await using (var cmd = Command(db, "SELECT Name, Id FROM AspNetRoles"))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) roles[r.GetString(0)] = r.GetString(1);

        foreach (var demo in new[] { ("regenboog", "apc@regenboog.test"), ("vlinder", "apc@vlinder.test") })
        {
            var coordinator = await ScalarAsync(db, "SELECT Id FROM AspNetUsers WHERE NormalizedEmail = $e", ct, ("$e", demo.Item2.ToUpperInvariant()));
            var teachers = await ListAsync(db, "SELECT u.Id FROM AspNetUsers u JOIN AspNetUserRoles ur ON ur.UserId = u.Id WHERE u.SchoolId = $s AND ur.RoleId = $r ORDER BY u.Email", ct,
                ("$s", demo.Item1), ("$r", roles["Teacher"]));
            var pupils = await ListAsync(db, "SELECT Id FROM pupils WHERE SchoolId = $s ORDER BY Id", ct, ("$s", demo.Item1));
            _schools.Add(new BenchSchool(demo.Item1, coordinator, teachers.ToArray(), pupils.ToArray()));
        }

        await using var tx = (SqliteTransaction)await db.BeginTransactionAsync(ct);
        using var school = Command(db, "INSERT INTO schools (Id, Name, SchoolDayEnd, TimeZoneId) SELECT $id, $name, SchoolDayEnd, TimeZoneId FROM schools WHERE Id = 'regenboog'", tx);
        using var group = Command(db, "INSERT INTO groups (Id, SchoolId, Name, Year, TeacherUserId) VALUES ($id, $s, $name, $year, $t)", tx);
        using var pupil = Command(db, "INSERT INTO pupils (Id, SchoolId, GroupId, FirstName, LastName) VALUES ($id, $s, $g, $f, $l)", tx);
        using var user = Command(db, """
            INSERT INTO AspNetUsers (Id, SchoolId, DisplayName, UserName, NormalizedUserName, Email, NormalizedEmail, EmailConfirmed, PasswordHash,
                SecurityStamp, ConcurrencyStamp, PhoneNumberConfirmed, TwoFactorEnabled, LockoutEnabled, AccessFailedCount)
            VALUES ($id, $s, $name, $mail, upper($mail), $mail, upper($mail), 1, NULL, $stamp, $stamp, 0, 0, 1, 0)
            """, tx);
        using var userRole = Command(db, "INSERT INTO AspNetUserRoles (UserId, RoleId) VALUES ($u, $r)", tx);
        for (var n = _schools.Count + 1; n <= Schools; n++)
        {
            var id = $"bench-{n:D2}";
            await RunAsync(school, ct, ("$id", id), ("$name", $"Bankschool {n}"));
            string AddUser(string name, string role)
            {
                var userId = Guid.NewGuid().ToString();
                Run(user, ("$id", userId), ("$s", id), ("$name", name), ("$mail", $"{role.ToLowerInvariant()}.{userId[..8]}@{id}.test"), ("$stamp", Guid.NewGuid().ToString("N")));
                Run(userRole, ("$u", userId), ("$r", roles[role]));
                return userId;
            }
            var coordinator = AddUser($"Coördinator {n}", "Coordinator");
            AddUser($"Directeur {n}", "Leader");
            var teachers = new string[GroupsPerSchool];
            var pupils = new List<string>();
            for (var year = 1; year <= GroupsPerSchool; year++)
            {
                teachers[year - 1] = AddUser($"Leerkracht {n}-{year}", "Teacher");
                var groupId = $"{id}-groep{year}";
                Run(group, ("$id", groupId), ("$s", id), ("$name", $"Groep {year}"), ("$year", year), ("$t", teachers[year - 1]));
                for (var i = 0; i < PupilsPerGroup; i++)
                {
                    var pupilId = $"{id}-{pupils.Count + 1:D3}";
                    Run(pupil, ("$id", pupilId), ("$s", id), ("$g", groupId), ("$f", $"Kind{i}"), ("$l", $"Achternaam {year}-{i}"));
                    pupils.Add(pupilId);
                }
            }
            _schools.Add(new BenchSchool(id, coordinator, teachers, pupils.ToArray()));
        }
        await tx.CommitAsync(ct);
    }

    /// <summary>Adds cases until there are <paramref name="total"/>, spread evenly over the schools, in one transaction.</summary>
    public async Task GrowToAsync(int total, CancellationToken ct)
    {
        await using var db = await OpenAsync(ct);
        await using var tx = (SqliteTransaction)await db.BeginTransactionAsync(ct);
        using var @case = Command(db, """
            INSERT INTO cases (Id, SchoolId, ReporterId, WorkflowInstanceId, DefinitionId, Description, ObservedAt, Location, BoundaryCrossed,
                ReportedAt, Status, CurrentStep, CurrentStepTitle, IsOverdue, Outcome, ClosedAt)
            VALUES ($id, $s, $rep, $wi, $def, $desc, $obs, 'Schoolplein', 1, $at, $status, $step, $title, $late, $outcome, $closed)
            """, tx);
        using var casePupil = Command(db, "INSERT INTO case_pupils (CaseId, PupilId, Role, GroupId) VALUES ($c, $p, $r, (SELECT GroupId FROM pupils WHERE Id = $p))", tx);
        using var line = Command(db, "INSERT INTO case_timeline (CaseId, At, Kind, Text, ActorUserId) VALUES ($c, $at, $k, $t, $a)", tx);
        using var task = Command(db, """
            INSERT INTO tasks (Id, CaseId, SchoolId, WorkflowInstanceId, ActivityId, ActivityType, Step, Title, Description, AssigneeUserId, CandidateRole,
                DueAt, FollowUpAt, Priority, FieldsJson, OutcomesJson, Status, Outcome, ValuesJson, CompletedByUserId, CreatedAt, CompletedAt, Revision)
            VALUES ($id, $c, $s, $wi, $aid, $type, $step, $title, NULL, $assignee, $role, $due, NULL, 0, $fields, $outcomes, $status, $outcome, $values,
                $by, $created, $completed, 1)
            """, tx);
        using var history = Command(db, "INSERT INTO task_history (TaskId, At, Action, ByUserId, Detail) VALUES ($t, $at, $a, $by, NULL)", tx);

        for (; _cases < total; _cases++)
        {
            ct.ThrowIfCancellationRequested();
            var school = _schools[_cases % _schools.Count];
            var id = Guid.NewGuid().ToString("N");
            var instance = Guid.NewGuid().ToString("N")[..16];
            var reportedAt = _now.AddDays(-1 - _random.NextDouble() * SpreadDays);
            var open = _now - reportedAt < TimeSpan.FromDays(OpenDays);
            var reporter = _random.Next(3) == 0 ? school.CoordinatorId : school.TeacherIds[_random.Next(school.TeacherIds.Length)];
            var step = open ? 3 + _random.Next(3) : 5;
            Run(@case, ("$id", id), ("$s", school.Id), ("$rep", reporter), ("$wi", instance), ("$def", _template.DefinitionId),
                ("$desc", "Tijdens de pauze werd een leerling steeds uitgescholden en buitengesloten."),
                ("$obs", reportedAt.AddHours(-2).UtcTicks), ("$at", reportedAt.UtcTicks), ("$status", open ? "Open" : "Closed"), ("$step", step),
                ("$title", open ? $"Stap {step}" : "Afgesloten"), ("$late", open && _random.Next(5) == 0), ("$outcome", open ? null : "Bullying"),
                ("$closed", open ? null : reportedAt.AddDays(30).UtcTicks));
            if (school.Id == "regenboog") RegenboogCases.Add((id, instance, reporter));

            var bullied = school.PupilIds[_random.Next(school.PupilIds.Length)];
            var bully = school.PupilIds[_random.Next(school.PupilIds.Length)];
            Run(casePupil, ("$c", id), ("$p", bullied), ("$r", "Bullied"));
            if (bully != bullied) Run(casePupil, ("$c", id), ("$p", bully), ("$r", "Bully"));

            Run(line, ("$c", id), ("$at", reportedAt.UtcTicks), ("$k", "Reported"), ("$t", "Signaal gemeld."), ("$a", reporter));
            for (var done = 1; done <= 2; done++)
            {
                var at = reportedAt.AddHours(4 * done);
                var taskId = Guid.NewGuid().ToString("N");
                Run(task, ("$id", taskId), ("$c", id), ("$s", school.Id), ("$wi", instance), ("$aid", _template.ActivityId), ("$type", _template.ActivityType),
                    ("$step", done), ("$title", $"Stap {done}: {_template.Title}"), ("$assignee", null), ("$role", "Coordinator"), ("$due", at.AddHours(4).UtcTicks),
                    ("$fields", _template.FieldsJson), ("$outcomes", _template.OutcomesJson), ("$status", "Completed"), ("$outcome", null),
                    ("$values", "{\"notes\":\"Gesprek gevoerd; afspraken gemaakt.\"}"), ("$by", school.CoordinatorId), ("$created", reportedAt.UtcTicks), ("$completed", at.UtcTicks));
                Run(history, ("$t", taskId), ("$at", at.UtcTicks), ("$a", "Completed"), ("$by", school.CoordinatorId));
                Run(line, ("$c", id), ("$at", at.UtcTicks), ("$k", "TaskCompleted"), ("$t", $"Stap {done} afgerond."), ("$a", school.CoordinatorId));
            }
            if (open)
            {
                // Half for the coordinator's role, half assigned to a teacher of the school.
                var forRole = _random.Next(2) == 0;
                var taskId = Guid.NewGuid().ToString("N");
                Run(task, ("$id", taskId), ("$c", id), ("$s", school.Id), ("$wi", instance), ("$aid", _template.ActivityId), ("$type", _template.ActivityType),
                    ("$step", step), ("$title", $"Stap {step}"), ("$assignee", forRole ? null : school.TeacherIds[_random.Next(school.TeacherIds.Length)]),
                    ("$role", forRole ? "Coordinator" : null), ("$due", reportedAt.AddDays(3).UtcTicks), ("$fields", _template.FieldsJson),
                    ("$outcomes", _template.OutcomesJson), ("$status", "Open"), ("$outcome", null), ("$values", null), ("$by", null),
                    ("$created", reportedAt.AddHours(8).UtcTicks), ("$completed", null));
                Run(history, ("$t", taskId), ("$at", reportedAt.AddHours(8).UtcTicks), ("$a", "Created"), ("$by", null));
            }
            else
            {
                Run(line, ("$c", id), ("$at", reportedAt.AddDays(30).UtcTicks), ("$k", "Closed"), ("$t", "Zaak afgesloten."), ("$a", school.CoordinatorId));
            }
        }
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// Gives these cases a workflow instance row (a copy of the real case's), because the dossier reads
    /// its protocol version from it. Only the dossiers the bench opens need one: the look-up is by key.
    /// </summary>
    public async Task AddInstancesAsync(IEnumerable<(string CaseId, string InstanceId)> cases, CancellationToken ct)
    {
        await using var db = await OpenAsync(ct);
        var columns = await ListAsync(db, "SELECT name FROM pragma_table_info('workflow_instances')", ct);
        var select = string.Join(", ", columns.Select(c => c switch { "Id" => "$id", "CorrelationId" => "$case", _ => c }));
        await using var tx = (SqliteTransaction)await db.BeginTransactionAsync(ct);
        using var copy = Command(db, $"INSERT OR IGNORE INTO workflow_instances ({string.Join(", ", columns)}) SELECT {select} FROM workflow_instances WHERE Id = $template", tx);
        foreach (var (caseId, instanceId) in cases)
            Run(copy, ("$id", instanceId), ("$case", caseId), ("$template", _template.InstanceId));
        await tx.CommitAsync(ct);
    }

    public async Task<string> UserIdAsync(string email, CancellationToken ct)
    {
        await using var db = await OpenAsync(ct);
        return await ScalarAsync(db, "SELECT Id FROM AspNetUsers WHERE NormalizedEmail = $e", ct, ("$e", email.ToUpperInvariant()));
    }

    /// <summary>The query plan SQLite chooses for a statement, one line per step.</summary>
    public async Task<IReadOnlyList<string>> ExplainAsync(string sql, CancellationToken ct, params (string, object?)[] parameters)
    {
        await using var db = await OpenAsync(ct);
        using var cmd = Command(db, "EXPLAIN QUERY PLAN " + sql);
        foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        var plan = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) plan.Add(r.GetString(3));
        return plan;
    }

    private static async Task<Template> ReadTemplateAsync(SqliteConnection db, CancellationToken ct)
    {
        using var cmd = Command(db, """
            SELECT c.DefinitionId, t.ActivityId, t.ActivityType, t.Title, t.FieldsJson, t.OutcomesJson, c.WorkflowInstanceId
            FROM tasks t JOIN cases c ON c.Id = t.CaseId ORDER BY t.CreatedAt LIMIT 1
            """);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) throw new InvalidOperationException("the real case reported through the host has no task");
        return new Template(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6));
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken ct)
    {
        var db = new SqliteConnection(connectionString);
        await db.OpenAsync(ct);
        using var timeout = Command(db, "PRAGMA busy_timeout=10000;");
        await timeout.ExecuteNonQueryAsync(ct);
        return db;
    }

    private static SqliteCommand Command(SqliteConnection db, string sql, SqliteTransaction? tx = null) => new(sql, db, tx);

    private static void Run(SqliteCommand cmd, params (string Name, object? Value)[] values)
    {
        cmd.Parameters.Clear();
        foreach (var (name, value) in values) cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        cmd.ExecuteNonQuery();
    }

    private static async Task RunAsync(SqliteCommand cmd, CancellationToken ct, params (string Name, object? Value)[] values)
    {
        cmd.Parameters.Clear();
        foreach (var (name, value) in values) cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task<string> ScalarAsync(SqliteConnection db, string sql, CancellationToken ct, params (string Name, object? Value)[] values) =>
        (await ListAsync(db, sql, ct, values)).Single();

    private static async Task<List<string>> ListAsync(SqliteConnection db, string sql, CancellationToken ct, params (string Name, object? Value)[] values)
    {
        using var cmd = Command(db, sql);
        foreach (var (name, value) in values) cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        var list = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) list.Add(r.GetString(0));
        return list;
    }
}
