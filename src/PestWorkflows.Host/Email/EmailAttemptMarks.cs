using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using PestWorkflows.Host.Data;

namespace PestWorkflows.Host.Email;

/// <summary>
/// The per-message writes of a batch (see <see cref="EmailOutboxHandler"/>): an attempt goes from
/// <see cref="EmailAttemptOutcome.Reserved"/> to <see cref="EmailAttemptOutcome.InProgress"/> right before its
/// message is handed over, and to its outcome right after, each a commit of its own on the batch's
/// connection, conditional on the state before (so a batch that lost its claim to another host never hands
/// over a message that host has taken back: the fence).
/// <para>
/// On SQLite these commits skip the fsync (<c>synchronous=NORMAL</c> for the statement only; the batch's
/// own commits keep the database's setting): written to the WAL, they survive a crash of the process but
/// maybe not of the machine. Each attempt of the batch records the machine's boot id
/// (<see cref="EmailAttempt.MarksBoot"/>); after a crash the marks are trusted only on the same boot, else a
/// <see cref="EmailAttemptOutcome.Reserved"/> attempt counts as maybe handed over. Where there is no boot id
/// to check (not Linux) and on PostgreSQL they are full commits (<c>durable</c>).
/// </para>
/// </summary>
internal sealed class EmailAttemptMarks : IAsyncDisposable
{
    public const string Durable = "durable";
    private readonly AppDbContext _db;
    private readonly DbCommand _move;
    private readonly DbCommand? _light, _restore;
    private readonly DbParameter _id, _from, _to, _error, _finished;

    private EmailAttemptMarks(AppDbContext db, string boot, long? synchronous)
    {
        _db = db;
        Boot = boot;
        var connection = db.Database.GetDbConnection();
        _move = connection.CreateCommand();
        _move.CommandText = """UPDATE email_attempts SET "Outcome" = @to, "Error" = @error, "FinishedAt" = @finished WHERE "Id" = @id AND "Outcome" = @from""";
        if (synchronous is { } restore)
        {
            // SQLite: synchronous is per connection and may change between statements; set back after each mark.
            _light = connection.CreateCommand();
            _light.CommandText = "PRAGMA synchronous = NORMAL";
            _restore = connection.CreateCommand();
            _restore.CommandText = $"PRAGMA synchronous = {restore}";
        }
        _id = Add("@id", System.Data.DbType.Int64); _from = Add("@from", System.Data.DbType.String); _to = Add("@to", System.Data.DbType.String); _error = Add("@error", System.Data.DbType.String);
        _finished = Add("@finished", db.Database.IsSqlite() ? System.Data.DbType.Int64 : System.Data.DbType.DateTimeOffset);
        DbParameter Add(string name, System.Data.DbType type)
        {
            var p = _move.CreateParameter();
            p.ParameterName = name;
            p.DbType = type;
            _move.Parameters.Add(p);
            return p;
        }
    }

    /// <summary>What <see cref="EmailAttempt.MarksBoot"/> gets for this batch.</summary>
    public string Boot { get; }

    /// <summary>Keeps <paramref name="db"/>'s connection open until disposed: the batch's own commits use it too.</summary>
    public static async Task<EmailAttemptMarks> OpenAsync(AppDbContext db, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        if (!db.Database.IsSqlite() || CurrentBoot() is not { } boot) return new EmailAttemptMarks(db, Durable, synchronous: null);
        await using var read = db.Database.GetDbConnection().CreateCommand();
        read.CommandText = "PRAGMA synchronous";
        var synchronous = Convert.ToInt64(await read.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
        // Already without fsync: nothing lighter to do, and the marks are as durable as everything else.
        return synchronous <= 1 ? new EmailAttemptMarks(db, Durable, synchronous: null) : new EmailAttemptMarks(db, boot, synchronous);
    }

    /// <summary>
    /// Whether the light marks of an attempt made under <paramref name="marksBoot"/> are all still there:
    /// full commits always are; light ones when the machine has not restarted since.
    /// </summary>
    public static bool Survived(string? marksBoot) => marksBoot is not null && (marksBoot == Durable || marksBoot == CurrentBoot());

    /// <summary>
    /// Moves the attempt from one state to the next, committed, with its finish time when it has ended; false
    /// when it was no longer in <paramref name="from"/>.
    /// </summary>
    public async Task<bool> MoveAsync(long attemptId, EmailAttemptOutcome from, EmailAttemptOutcome to, string? error, DateTimeOffset? finishedAt, CancellationToken ct)
    {
        _finished.Value = finishedAt is { } at ? EmailBatchWrites.StoredTime(_db, at) : DBNull.Value;
        _id.Value = attemptId;
        _from.Value = from.ToString();
        _to.Value = to.ToString();
        _error.Value = (object?)error ?? DBNull.Value;
        if (_light is null) return await _move.ExecuteNonQueryAsync(ct) == 1;
        await _light.ExecuteNonQueryAsync(ct);
        try
        {
            return await _move.ExecuteNonQueryAsync(ct) == 1;
        }
        finally
        {
            await _restore!.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    private static string? _boot;

    /// <summary>The machine's boot id (Linux), or null where there is none to read.</summary>
    private static string? CurrentBoot()
    {
        if (_boot is not null) return _boot.Length == 0 ? null : _boot;
        string value;
        try { value = File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException) { value = ""; }
        _boot = value.Length == 0 ? "" : "boot:" + value;
        return _boot.Length == 0 ? null : _boot;
    }

    public async ValueTask DisposeAsync()
    {
        await _move.DisposeAsync();
        if (_light is not null) await _light.DisposeAsync();
        if (_restore is not null) await _restore.DisposeAsync();
        await _db.Database.CloseConnectionAsync();
    }
}
