using System.Data.Common;
using Microsoft.EntityFrameworkCore;

namespace PestWorkflows.Engine.Persistence;

/// <summary>
/// Opens a <see cref="WorkflowDbContext"/> on a connection (and transaction) someone else owns, so
/// engine rows (an outbox row) commit or roll back with that transaction.
/// </summary>
public sealed class WorkflowDbContextOnConnection(DatabaseProvider provider)
{
    public WorkflowDbContext Create(DbConnection connection, DbTransaction? transaction)
    {
        WorkflowDbContext db = provider == DatabaseProvider.Postgres
            ? new PostgresWorkflowDbContext(new DbContextOptionsBuilder<PostgresWorkflowDbContext>().UseNpgsql(connection).Options)
            : new SqliteWorkflowDbContext(new DbContextOptionsBuilder<SqliteWorkflowDbContext>().UseSqlite(connection).Options);
        if (transaction is not null) db.Database.UseTransaction(transaction);
        return db;
    }
}
