using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using PestWorkflows.Host.Cases;
using PestWorkflows.Host.Documents;
using PestWorkflows.Host.Email;
using PestWorkflows.Host.Identity;
using PestWorkflows.Host.Schools;

namespace PestWorkflows.Host.Data;

/// <summary>
/// The school's data: accounts, schools, pupils, cases, tasks. It lives in the same database as
/// the engine's tables so a workflow step and the case rows it changes commit together.
/// Each provider has its own subclass and migrations set. It also keeps the Data Protection keys
/// that protect cookies and tokens, so they survive restarts and are shared by every host on one database.
/// </summary>
public abstract class AppDbContext(DbContextOptions options) : IdentityDbContext<StaffUser>(options), IDataProtectionKeyContext
{
    public const string MigrationsHistoryTable = "__AppMigrationsHistory";

    public DbSet<School> Schools => Set<School>();
    public DbSet<SchoolHolidayPeriod> SchoolHolidays => Set<SchoolHolidayPeriod>();
    public DbSet<Group> Groups => Set<Group>();
    public DbSet<Pupil> Pupils => Set<Pupil>();
    public DbSet<Guardian> Guardians => Set<Guardian>();
    public DbSet<Case> Cases => Set<Case>();
    public DbSet<CasePupil> CasePupils => Set<CasePupil>();
    public DbSet<TimelineEntry> Timeline => Set<TimelineEntry>();
    public DbSet<CaseTask> Tasks => Set<CaseTask>();
    public DbSet<CaseTaskHistory> TaskHistory => Set<CaseTaskHistory>();
    public DbSet<CaseDocument> Documents => Set<CaseDocument>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<EmailMessage> Emails => Set<EmailMessage>();
    public DbSet<EmailAttempt> EmailAttempts => Set<EmailAttempt>();
    public DbSet<EmailAttachment> EmailAttachments => Set<EmailAttachment>();
    public DbSet<PasswordReset> PasswordResets => Set<PasswordReset>();
    public DbSet<Audit.AuditEntry> AuditTrail => Set<Audit.AuditEntry>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        base.OnModelCreating(model);
        model.Entity<StaffUser>(e => e.HasIndex(u => u.SchoolId));
        model.Entity<School>(e =>
        {
            e.ToTable("schools");
            e.Property(s => s.Id).HasMaxLength(64);
            e.HasMany(s => s.Holidays).WithOne().HasForeignKey(h => h.SchoolId);
        });
        model.Entity<SchoolHolidayPeriod>().ToTable("school_holidays");
        model.Entity<Group>(e => { e.ToTable("groups"); e.HasIndex(g => g.SchoolId); });
        model.Entity<Pupil>(e =>
        {
            e.ToTable("pupils");
            e.HasIndex(p => p.SchoolId);
            e.HasIndex(p => new { p.SchoolId, p.PupilNumber }).IsUnique();
            e.Property(p => p.PupilNumber).HasMaxLength(32);
            e.Ignore(p => p.FullName);
            e.HasMany(p => p.Guardians).WithOne().HasForeignKey(g => g.PupilId);
        });
        model.Entity<Guardian>().ToTable("guardians");
        model.Entity<Case>(e =>
        {
            e.ToTable("cases");
            // The case list reads a school's cases newest first: one index walk, no sort.
            e.HasIndex(c => new { c.SchoolId, c.ReportedAt });
            // The jaarevaluatie reads a school's cases of a year: with every column it counts in the index, it reads
            // the index alone instead of looking each case up (Reports/ReportService).
            e.HasIndex(c => new { c.SchoolId, c.ReportedAt, c.Status, c.Outcome, c.EndedAtStep, c.ClosedAt, c.EsisRegisteredAt, c.Id })
                .HasDatabaseName("IX_cases_AnnualReport");
            e.HasIndex(c => c.WorkflowInstanceId).IsUnique();
            // Decides between two sends of one report, whichever host or request they reach.
            e.HasIndex(c => new { c.ReporterId, c.SubmissionToken }).IsUnique();
            e.Property(c => c.SubmissionToken).HasMaxLength(CaseService.MaxSubmissionTokenLength);
            e.Property(c => c.Status).HasConversion<string>();
            e.Property(c => c.Outcome).HasConversion<string>().HasMaxLength(32);
            e.Property(c => c.EsisReference).HasMaxLength(64);
            e.HasMany(c => c.Pupils).WithOne().HasForeignKey(p => p.CaseId);
            e.HasMany(c => c.Timeline).WithOne().HasForeignKey(t => t.CaseId);
        });
        model.Entity<CasePupil>(e =>
        {
            e.ToTable("case_pupils");
            e.Property(p => p.Role).HasConversion<string>();
            e.HasIndex(p => p.PupilId);
            // The jaarevaluatie: a case's bullied pupils without reading the rows.
            e.HasIndex(p => new { p.CaseId, p.Role, p.GroupId }).HasDatabaseName("IX_case_pupils_AnnualReport");
        });
        model.Entity<TimelineEntry>().ToTable("case_timeline");
        model.Entity<CaseTask>(e =>
        {
            e.ToTable("tasks");
            e.Property(t => t.Status).HasConversion<string>();
            e.Property(t => t.Revision).IsConcurrencyToken();
            e.HasIndex(t => new { t.SchoolId, t.Status });
            e.HasIndex(t => t.CaseId);
            // The jaarevaluatie: a case's step-1 tasks with their deadline and completion, from the index alone.
            e.HasIndex(t => new { t.CaseId, t.Step, t.Status, t.DueAt, t.CompletedAt }).HasDatabaseName("IX_tasks_AnnualReport");
            // A teacher sees the cases of the tasks assigned to or completed by them (AccessRules.CasesVisibleTo).
            e.HasIndex(t => t.AssigneeUserId);
            e.HasIndex(t => t.CompletedByUserId);
            e.HasMany(t => t.History).WithOne().HasForeignKey(h => h.TaskId);
        });
        model.Entity<CaseTaskHistory>().ToTable("task_history");
        model.Entity<CaseDocument>(e =>
        {
            e.ToTable("case_documents");
            e.Property(d => d.Id).HasMaxLength(32);
            e.Property(d => d.FileName).HasMaxLength(120);
            e.Property(d => d.ContentType).HasMaxLength(64);
            e.Property(d => d.Sha256).HasMaxLength(64);
            e.HasOne<Case>().WithMany().HasForeignKey(d => d.CaseId);
            e.HasIndex(d => d.CaseId);
            e.HasIndex(d => new { d.TaskId, d.UploadedAt });
        });
        model.Entity<EmailMessage>(e =>
        {
            e.ToTable("email_messages");
            e.Property(m => m.Id).HasMaxLength(32);
            e.Property(m => m.Status).HasConversion<string>().HasMaxLength(16);
            e.Property(m => m.RecipientKind).HasConversion<string>().HasMaxLength(16);
            e.Property(m => m.Template).HasMaxLength(64);
            e.HasIndex(m => m.CaseId);
            e.HasIndex(m => m.MessageId).IsUnique();
            e.HasMany(m => m.AttemptLog).WithOne().HasForeignKey(a => a.EmailId);
            e.HasMany(m => m.Attachments).WithOne().HasForeignKey(a => a.EmailId);
        });
        model.Entity<EmailAttachment>(e =>
        {
            e.ToTable("email_attachments");
            e.Property(a => a.FileName).HasMaxLength(120);
            e.Property(a => a.ContentType).HasMaxLength(120);
        });
        model.Entity<EmailAttempt>(e =>
        {
            e.ToTable("email_attempts");
            e.Property(a => a.Outcome).HasConversion<string>().HasMaxLength(16);
            e.HasIndex(a => new { a.EmailId, a.Number }).IsUnique();
        });
        model.Entity<PasswordReset>(e =>
        {
            e.ToTable("password_resets");
            e.Property(r => r.Id).HasMaxLength(32);
            e.Property(r => r.TokenHash).HasMaxLength(64);
            e.HasIndex(r => r.TokenHash).IsUnique();
            e.HasIndex(r => r.UserId);
        });
        model.Entity<Audit.AuditEntry>(e =>
        {
            e.ToTable(Audit.AuditSchema.Table);
            e.Property(a => a.Action).HasMaxLength(64);
            e.Property(a => a.ResourceType).HasMaxLength(32);
            e.Property(a => a.ClientAddress).HasMaxLength(64);
            // The case's audit page reads one case's lines in order.
            e.HasIndex(a => new { a.CaseId, a.Id });
        });
    }
}

public sealed class SqliteAppDbContext(DbContextOptions<SqliteAppDbContext> options) : AppDbContext(options)
{
    // SQLite cannot compare or order DateTimeOffset; UTC ticks can.
    protected override void ConfigureConventions(ModelConfigurationBuilder configuration)
    {
        configuration.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
        configuration.Properties<DateTimeOffset?>().HaveConversion<UtcTicksConverter>();
    }

    private sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(v => v.UtcTicks, v => new DateTimeOffset(v, TimeSpan.Zero));
}

public sealed class PostgresAppDbContext(DbContextOptions<PostgresAppDbContext> options) : AppDbContext(options)
{
    // PostgreSQL stores only UTC instants (Npgsql refuses another offset); deadlines are computed in
    // school time (+01:00/+02:00), so they are written as the same instant in UTC.
    protected override void ConfigureConventions(ModelConfigurationBuilder configuration)
    {
        configuration.Properties<DateTimeOffset>().HaveConversion<UtcConverter>();
        configuration.Properties<DateTimeOffset?>().HaveConversion<UtcConverter>();
    }

    private sealed class UtcConverter() : ValueConverter<DateTimeOffset, DateTimeOffset>(v => v.ToUniversalTime(), v => v);
}

// For `dotnet ef migrations add` only; these connection strings are never opened.
internal sealed class SqliteAppDesignTimeFactory : Microsoft.EntityFrameworkCore.Design.IDesignTimeDbContextFactory<SqliteAppDbContext>
{
    public SqliteAppDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteAppDbContext>().UseSqlite("Data Source=design.db", o => o.MigrationsHistoryTable(AppDbContext.MigrationsHistoryTable)).Options);
}

internal sealed class PostgresAppDesignTimeFactory : Microsoft.EntityFrameworkCore.Design.IDesignTimeDbContextFactory<PostgresAppDbContext>
{
    public PostgresAppDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresAppDbContext>().UseNpgsql("Host=localhost;Database=design", o => o.MigrationsHistoryTable(AppDbContext.MigrationsHistoryTable)).Options);
}
