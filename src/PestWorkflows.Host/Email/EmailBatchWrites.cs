using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using PestWorkflows.Host.Data;

namespace PestWorkflows.Host.Email;

/// <summary>
/// The durable writes of a batch (see <see cref="EmailOutboxHandler"/>) as set-based statements on the batch's
/// connection: one multi-row INSERT reserves a chunk's attempts, one UPDATE per distinct outcome records how
/// a chunk ended. Nothing is tracked by EF: per-row change tracking of a few hundred rows per batch cost more
/// than the statements themselves.
/// </summary>
internal sealed class EmailBatchWrites(AppDbContext db)
{
    /// <summary>An instant as <paramref name="db"/>'s provider stores it (ticks on SQLite, UTC on PostgreSQL), for raw SQL.</summary>
    public static object StoredTime(AppDbContext db, DateTimeOffset value) =>
        db.Model.FindEntityType(typeof(EmailAttempt))!.FindProperty(nameof(EmailAttempt.StartedAt))!.GetTypeMapping().Converter?.ConvertToProvider(value) ?? value;

    /// <summary>
    /// In one transaction: records how <paramref name="finished"/> ended and reserves an attempt for each of
    /// <paramref name="reserve"/> (their <see cref="EmailAttempt.Id"/> is set from the database).
    /// </summary>
    public async Task CommitAsync(IReadOnlyList<(EmailMessage Email, EmailAttempt Attempt, bool Marked)> finished, IReadOnlyList<(EmailMessage Email, EmailAttempt Attempt)> reserve)
    {
        if (finished.Count == 0 && reserve.Count == 0 && !db.ChangeTracker.HasChanges()) return;
        // Not cancellable: what it records has happened, or is about to be relied on.
        await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
        // Only what reconciling an earlier attempt changed is tracked.
        if (db.ChangeTracker.HasChanges()) await db.SaveChangesAsync(CancellationToken.None);
        db.ChangeTracker.Clear();
        await RecordAsync(finished, transaction.GetDbTransaction());
        if (reserve.Count > 0) await ReserveAsync(reserve, transaction.GetDbTransaction());
        await transaction.CommitAsync(CancellationToken.None);
    }

    private async Task ReserveAsync(IReadOnlyList<(EmailMessage Email, EmailAttempt Attempt)> reserve, DbTransaction transaction)
    {
        await using var insert = Command(transaction);
        var values = new List<string>(reserve.Count);
        for (var i = 0; i < reserve.Count; i++)
        {
            var attempt = reserve[i].Attempt;
            values.Add($"(@e{i}, @n{i}, @s{i}, @o{i}, @b{i})");
            Add(insert, $"@e{i}", attempt.EmailId);
            Add(insert, $"@n{i}", attempt.Number);
            Add(insert, $"@s{i}", StoredTime(db, attempt.StartedAt));
            Add(insert, $"@o{i}", attempt.Outcome.ToString());
            Add(insert, $"@b{i}", attempt.MarksBoot);
        }
        insert.CommandText = $"""
            INSERT INTO email_attempts ("EmailId", "Number", "StartedAt", "Outcome", "MarksBoot")
            VALUES {string.Join(", ", values)}
            RETURNING "Id", "EmailId"
            """;
        var ids = new Dictionary<string, long>(reserve.Count, StringComparer.Ordinal);
        await using (var reader = await insert.ExecuteReaderAsync(CancellationToken.None))
            while (await reader.ReadAsync(CancellationToken.None))
                ids[reader.GetString(1)] = reader.GetInt64(0);
        foreach (var (_, attempt) in reserve) attempt.Id = ids[attempt.EmailId];

        await using var update = Command(transaction);
        update.CommandText = $"""UPDATE email_messages SET "Status" = @status, "Attempts" = "Attempts" + 1 WHERE "Id" IN ({In(update, reserve.Select(r => r.Email.Id))})""";
        Add(update, "@status", nameof(EmailStatus.Sending));
        await update.ExecuteNonQueryAsync(CancellationToken.None);
    }

    /// <summary>
    /// One UPDATE per distinct outcome (usually one: all accepted). A <c>Marked</c> attempt's finish time was
    /// written by its mark (<see cref="EmailAttemptMarks"/>), so a sent email's time comes from its attempt.
    /// </summary>
    private async Task RecordAsync(IReadOnlyList<(EmailMessage Email, EmailAttempt Attempt, bool Marked)> finished, DbTransaction transaction)
    {
        foreach (var group in finished.GroupBy(f => (f.Attempt.Outcome, f.Attempt.Error, FinishedAt: f.Marked ? null : f.Attempt.FinishedAt)))
        {
            await using var update = Command(transaction);
            update.CommandText = $"""
                UPDATE email_attempts SET "Outcome" = @outcome, "Error" = @error, "FinishedAt" = COALESCE("FinishedAt", @finished)
                WHERE "Id" IN ({In(update, group.Select(f => (object)f.Attempt.Id))})
                """;
            Add(update, "@outcome", group.Key.Outcome.ToString());
            Add(update, "@error", group.Key.Error);
            AddTime(update, "@finished", group.Key.FinishedAt);
            await update.ExecuteNonQueryAsync(CancellationToken.None);
        }
        foreach (var group in finished.GroupBy(f => (f.Email.Status, f.Email.LastError, f.Email.NextAttemptAt, Sent: f.Email.SentAt is not null)))
        {
            await using var update = Command(transaction);
            var sentAt = group.Key.Sent
                ? """, "SentAt" = (SELECT a."FinishedAt" FROM email_attempts a WHERE a."EmailId" = email_messages."Id" AND a."Number" = email_messages."Attempts")"""
                : "";
            update.CommandText = $"""
                UPDATE email_messages SET "Status" = @status, "LastError" = @error, "NextAttemptAt" = @next{sentAt}
                WHERE "Id" IN ({In(update, group.Select(f => f.Email.Id))})
                """;
            Add(update, "@status", group.Key.Status.ToString());
            Add(update, "@error", group.Key.LastError);
            AddTime(update, "@next", group.Key.NextAttemptAt);
            await update.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    private DbCommand Command(DbTransaction transaction)
    {
        var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = transaction;
        return command;
    }

    /// <summary>Adds one parameter per value and answers the list for <c>IN (...)</c>.</summary>
    private static string In<T>(DbCommand command, IEnumerable<T> values)
    {
        var names = new List<string>();
        foreach (var value in values)
        {
            var name = $"@in{names.Count}";
            Add(command, name, value);
            names.Add(name);
        }
        return string.Join(", ", names);
    }

    private void AddTime(DbCommand command, string name, DateTimeOffset? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = db.Database.IsSqlite() ? System.Data.DbType.Int64 : System.Data.DbType.DateTimeOffset;
        parameter.Value = value is { } at ? StoredTime(db, at) : DBNull.Value;
        command.Parameters.Add(parameter);
    }

    private static void Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        if (value is null) parameter.DbType = System.Data.DbType.String;
        command.Parameters.Add(parameter);
    }
}
