using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PestWorkflows.Host.Data;
using PestWorkflows.Host.Identity;
using PestWorkflows.Host.Schools;

namespace PestWorkflows.Host.Import;

/// <summary>
/// Imports pupils and their parents from the school administration's export. The pupil number is the key:
/// a known number updates that pupil (name, group, parents matched by email), an unknown one adds a pupil,
/// pupils missing from the file are left alone. All or nothing: one wrong line refuses the whole file.
/// </summary>
public sealed class PupilImporter(AppDbContext db, IOptions<PupilImportOptions> options, ILogger<PupilImporter> logger)
{
    /// <summary>An export of a large school is well under a megabyte; this leaves room for many more columns.</summary>
    public const int MaxBytes = 5 * 1024 * 1024;

    public static string HashOf(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>What importing <paramref name="content"/> would do now; changes nothing.</summary>
    public async Task<PupilImportPreview> PreviewAsync(Staff staff, byte[] content, CancellationToken ct) =>
        (await PlanAsync(staff, content, tracked: false, ct)).Preview;

    /// <summary>
    /// Imports the file in one transaction and answers what it did, or, when a line is wrong, the problems
    /// with nothing changed.
    /// </summary>
    public async Task<PupilImportPreview> ImportAsync(Staff staff, byte[] content, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var (preview, apply) = await PlanAsync(staff, content, tracked: true, ct);
        if (preview.Refused) return preview;
        apply();
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        logger.LogInformation("Pupil import for school {School} by {User}: {Added} added, {Changed} changed, {Unchanged} unchanged (file {Hash})",
            staff.SchoolId, staff.Id, preview.Added, preview.Changed, preview.Unchanged, preview.FileHash);
        return preview;
    }

    private async Task<(PupilImportPreview Preview, Action Apply)> PlanAsync(Staff staff, byte[] content, bool tracked, CancellationToken ct)
    {
        var hash = HashOf(content);
        var file = PupilCsv.Read(content, options.Value.Columns);
        var separator = file.Separator.ToString();
        if (file.Problems.Count > 0 && file.Rows.Count == 0 && file.Problems.All(p => p.Line == 1))
            return (new PupilImportPreview(hash, file.EncodingName, separator, [], file.Problems), () => { });

        var groups = await db.Groups.AsNoTracking().Where(g => g.SchoolId == staff.SchoolId).ToListAsync(ct);
        var problems = file.Problems.ToList();
        var firstLineOf = new Dictionary<string, int>(StringComparer.Ordinal);
        var planned = new List<(PupilCsvRow Row, Group Group)>();
        foreach (var row in file.Rows)
        {
            var reasons = new List<string>();
            var group = FindGroup(groups, row.Group);
            if (group is null) reasons.Add($"groep \"{row.Group}\" bestaat niet op deze school");
            if (firstLineOf.TryGetValue(row.PupilNumber, out var earlier)) reasons.Add($"leerlingnummer {row.PupilNumber} staat ook op regel {earlier}");
            else firstLineOf[row.PupilNumber] = row.Line;
            if (reasons.Count > 0) problems.Add(new PupilImportProblem(row.Line, PupilCsv.Sentence(reasons)));
            else planned.Add((row, group!));
        }
        if (problems.Count > 0)
            return (new PupilImportPreview(hash, file.EncodingName, separator, [], problems.OrderBy(p => p.Line).ToList()), () => { });

        var query = db.Pupils.Include(p => p.Guardians).Where(p => p.SchoolId == staff.SchoolId && p.PupilNumber != null);
        var known = await (tracked ? query : query.AsNoTracking()).ToDictionaryAsync(p => p.PupilNumber!, StringComparer.Ordinal, ct);
        var changes = new List<PupilImportChange>();
        var work = new List<Action>();
        foreach (var (row, group) in planned)
        {
            var name = $"{row.FirstName} {row.LastName}";
            if (!known.TryGetValue(row.PupilNumber, out var pupil))
            {
                changes.Add(new PupilImportChange(row.Line, row.PupilNumber, name, group.Name, PupilImportChangeKind.Added, []));
                work.Add(() => db.Pupils.Add(new Pupil
                {
                    Id = Guid.NewGuid().ToString("N"), SchoolId = staff.SchoolId, GroupId = group.Id, PupilNumber = row.PupilNumber,
                    FirstName = row.FirstName, LastName = row.LastName,
                    Guardians = row.Guardians.Select(g => new Guardian { Name = g.Name, Email = g.Email }).ToList(),
                }));
                continue;
            }
            var fields = new List<string>();
            if (pupil.FirstName != row.FirstName) fields.Add("voornaam");
            if (pupil.LastName != row.LastName) fields.Add("achternaam");
            if (pupil.GroupId != group.Id) fields.Add("groep");
            if (!SameGuardians(pupil.Guardians, row.Guardians)) fields.Add("ouders");
            changes.Add(new PupilImportChange(row.Line, row.PupilNumber, name, group.Name,
                fields.Count == 0 ? PupilImportChangeKind.Unchanged : PupilImportChangeKind.Changed, fields));
            if (fields.Count > 0) work.Add(() => Update(pupil, row, group));
        }
        var preview = new PupilImportPreview(hash, file.EncodingName, separator, changes, []);
        return (preview, () => work.ForEach(w => w()));
    }

    private void Update(Pupil pupil, PupilCsvRow row, Group group)
    {
        pupil.FirstName = row.FirstName;
        pupil.LastName = row.LastName;
        pupil.GroupId = group.Id;
        // Parents are matched by address: a known address keeps its row (and gets the file's name), a
        // parent no longer in the file is removed, a new address is added.
        foreach (var gone in pupil.Guardians.Where(g => !row.Guardians.Any(r => SameEmail(r.Email, g.Email))).ToList())
        {
            pupil.Guardians.Remove(gone);
            db.Guardians.Remove(gone);
        }
        foreach (var wanted in row.Guardians)
        {
            if (pupil.Guardians.FirstOrDefault(g => SameEmail(g.Email, wanted.Email)) is { } existing)
            {
                existing.Name = wanted.Name;
                existing.Email = wanted.Email;
            }
            else pupil.Guardians.Add(new Guardian { PupilId = pupil.Id, Name = wanted.Name, Email = wanted.Email });
        }
    }

    private static bool SameGuardians(IReadOnlyCollection<Guardian> current, IReadOnlyList<PupilCsvGuardian> wanted) =>
        current.Count == wanted.Count
        && wanted.All(w => current.Any(c => c.Email == w.Email && c.Name == w.Name));

    private static bool SameEmail(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    /// <summary>"Groep 5", "groep 5" and "5" are the same group; the name as the school has it otherwise.</summary>
    private static Group? FindGroup(IReadOnlyList<Group> groups, string value)
    {
        var name = string.Join(' ', value.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        return groups.FirstOrDefault(g => string.Equals(g.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? (int.TryParse(name, out var year) ? groups.FirstOrDefault(g => string.Equals(g.Name, $"Groep {year}", StringComparison.OrdinalIgnoreCase)) : null);
    }
}
