using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace PestWorkflows.Engine.Persistence;

/// <summary>The engine's tables. Each provider has its own subclass and migrations set.</summary>
public abstract class WorkflowDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<WorkflowDefinitionRecord> Definitions => Set<WorkflowDefinitionRecord>();
    public DbSet<WorkflowInstanceRecord> Instances => Set<WorkflowInstanceRecord>();
    public DbSet<BookmarkRecord> Bookmarks => Set<BookmarkRecord>();
    public DbSet<JournalRecord> Journal => Set<JournalRecord>();
    public DbSet<ActivityExecutionRecord> ActivityExecutions => Set<ActivityExecutionRecord>();
    public DbSet<OutboxMessageRecord> Outbox => Set<OutboxMessageRecord>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<WorkflowDefinitionRecord>(e =>
        {
            e.ToTable("workflow_definitions");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(64);
            e.Property(x => x.DefinitionId).HasMaxLength(128);
            e.Property(x => x.TenantId).HasMaxLength(64);
            e.HasIndex(x => new { x.DefinitionId, x.Version }).IsUnique();
            e.HasIndex(x => x.TenantId);
        });
        model.Entity<WorkflowInstanceRecord>(e =>
        {
            e.ToTable("workflow_instances");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(64);
            e.Property(x => x.Revision).IsConcurrencyToken();
            e.Property(x => x.TenantId).HasMaxLength(64);
            e.HasIndex(x => x.TenantId);
            e.HasIndex(x => x.DefinitionId);
            e.HasIndex(x => x.CorrelationId);
            e.HasIndex(x => x.SubStatus);
        });
        model.Entity<BookmarkRecord>(e =>
        {
            e.ToTable("bookmarks");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(64);
            e.Property(x => x.TenantId).HasMaxLength(64);
            // Every look-up by what a bookmark waits for (task, event) is within one tenant: the tenant is
            // checked in the index, after the hash (which alone almost always finds the one row).
            e.HasIndex(x => new { x.Hash, x.TenantId, x.ClosedAt });
            e.HasIndex(x => x.WorkflowInstanceId);
            // Open timers only, which is all the timer dispatcher looks for: task and event bookmarks
            // never enter this index, so creating and resuming them does not write it.
            e.HasIndex(x => x.DueAt).HasFilter("\"ClosedAt\" IS NULL AND \"DueAt\" IS NOT NULL");
        });
        model.Entity<JournalRecord>(e =>
        {
            e.ToTable("journal");
            e.HasKey(x => x.Id);
            e.HasIndex(x => new { x.WorkflowInstanceId, x.Sequence }).IsUnique();
        });
        model.Entity<ActivityExecutionRecord>(e =>
        {
            e.ToTable("activity_executions");
            e.HasKey(x => x.Id);
            e.HasIndex(x => x.WorkflowInstanceId);
        });
        model.Entity<OutboxMessageRecord>(e =>
        {
            e.ToTable("outbox_messages");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(64);
            e.Property(x => x.Type).HasMaxLength(128);
            e.Property(x => x.TenantId).HasMaxLength(64);
            e.Property(x => x.WorkflowInstanceId).HasMaxLength(64);
            e.Property(x => x.Status).HasMaxLength(16);
            e.Property(x => x.LockedBy).HasMaxLength(128);
            // Pending rows only, which is all the dispatcher looks for: handled rows leave the index.
            e.HasIndex(x => x.DueAt).HasFilter("\"Status\" = 'Pending'");
            e.HasIndex(x => x.WorkflowInstanceId);
        });
    }
}

/// <summary>SQLite: times are stored as UTC ticks so they can be compared and ordered in queries.</summary>
public sealed class SqliteWorkflowDbContext(DbContextOptions<SqliteWorkflowDbContext> options) : WorkflowDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configuration)
    {
        configuration.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
        configuration.Properties<DateTimeOffset?>().HaveConversion<UtcTicksConverter>();
    }

    private sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
        v => v.UtcTicks, v => new DateTimeOffset(v, TimeSpan.Zero));
}

public sealed class PostgresWorkflowDbContext(DbContextOptions<PostgresWorkflowDbContext> options) : WorkflowDbContext(options);
