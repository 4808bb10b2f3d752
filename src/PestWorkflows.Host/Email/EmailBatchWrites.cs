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
        await RecordAsync(finished);
        if (reserve.Count > 0) await ReserveAsync(reserve, transaction.GetDbTransaction());
        await transaction.CommitAsync(CancellationToken.None);
    }

    private async Task ReserveAsync(IReadOnlyList<(EmailMessage Email, EmailAttempt Attempt)> reserve, DbTransaction transaction)
    {
        await using var insert = db.Database.GetDbConnection().CreateCommand();
        insert.Transaction = transaction;
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

        var emailIds = reserve.Select(r => r.Email.Id).ToList();
        await db.Emails.Where(e => emailIds.Contains(e.Id)).ExecuteUpdateAsync(s => s
            .SetProperty(e => e.Status, EmailStatus.Sending)
            .SetProperty(e => e.Attempts, e => e.Attempts + 1), CancellationToken.None);
    }

    /// <summary>
    /// One UPDATE per distinct outcome (usually one: all accepted). A <c>Marked</c> attempt's finish time was
    /// written by its mark (<see cref="EmailAttemptMarks"/>), so a sent email's time comes from its attempt.
    /// </summary>
    private async Task RecordAsync(IReadOnlyList<(EmailMessage Email, EmailAttempt Attempt, bool Marked)> finished)
    {
        foreach (var group in finished.GroupBy(f => (f.Attempt.Outcome, f.Attempt.Error, FinishedAt: f.Marked ? null : f.Attempt.FinishedAt)))
        {
            var ids = group.Select(f => f.Attempt.Id).ToList();
            var (outcome, error, finishedAt) = group.Key;
            await db.EmailAttempts.Where(a => ids.Contains(a.Id)).ExecuteUpdateAsync(s => s
                .SetProperty(a => a.Outcome, outcome)
                .SetProperty(a => a.Error, error)
                .SetProperty(a => a.FinishedAt, a => a.FinishedAt ?? finishedAt), CancellationToken.None);
        }
        foreach (var group in finished.GroupBy(f => (f.Email.Status, f.Email.LastError, f.Email.NextAttemptAt, Sent: f.Email.SentAt is not null)))
        {
            var ids = group.Select(f => f.Email.Id).ToList();
            var (status, lastError, nextAttemptAt, sent) = group.Key;
            if (sent)
                await db.Emails.Where(e => ids.Contains(e.Id)).ExecuteUpdateAsync(s => s
                    .SetProperty(e => e.Status, status)
                    .SetProperty(e => e.LastError, lastError)
                    .SetProperty(e => e.NextAttemptAt, nextAttemptAt)
                    .SetProperty(e => e.SentAt, e => db.EmailAttempts.Where(a => a.EmailId == e.Id && a.Number == e.Attempts).Select(a => a.FinishedAt).FirstOrDefault()), CancellationToken.None);
            else
                await db.Emails.Where(e => ids.Contains(e.Id)).ExecuteUpdateAsync(s => s
                    .SetProperty(e => e.Status, status)
                    .SetProperty(e => e.LastError, lastError)
                    .SetProperty(e => e.NextAttemptAt, nextAttemptAt), CancellationToken.None);
        }
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
