using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using PestWorkflows.Activities.Tasks;
using PestWorkflows.Host.Data;
using PestWorkflows.Host.Identity;

namespace PestWorkflows.Host.Schools;

/// <summary>Demo settings (section <c>Demo</c>).</summary>
public sealed class DemoOptions
{
    public bool Enabled { get; set; }
    /// <summary>Password of every demo account; generated and printed once when not set.</summary>
    public string? Password { get; set; }
    /// <summary>Also seed closed cases of last school year and this one (<see cref="DemoCaseHistory"/>), for the jaarevaluatie.</summary>
    public bool PastCases { get; set; } = true;
}

/// <summary>
/// The demo school "De Regenboog" (groups 1–8, about 60 pupils with parents on the reserved .test
/// domain, one account per role) and a second school "De Vlinder", so separation can be seen.
/// Seeds only an empty database; runs only when <c>Demo:Enabled</c> is true.
/// </summary>
public sealed class DemoData(AppDbContext db, UserManager<StaffUser> users, RoleManager<IdentityRole> roles, DemoCaseHistory history, ILogger<DemoData> logger)
{
    private static readonly string[] FirstNames =
    [
        "Emma", "Noah", "Julia", "Liam", "Mila", "Luuk", "Sophie", "Sem", "Tess", "Daan", "Zoë", "Finn", "Nora", "Levi", "Saar",
        "Milan", "Yara", "Jesse", "Lotte", "Bram", "Fenna", "Thijs", "Evi", "Ruben", "Lina", "Mees", "Anna", "Lucas", "Isa", "Sam",
    ];
    private static readonly string[] LastNames =
    [
        "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser", "Smit", "Meijer", "de Boer",
        "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer",
    ];

    public async Task SeedAsync(DemoOptions options, CancellationToken ct)
    {
        foreach (var role in new[] { StaffRoles.Coordinator, StaffRoles.Teacher, StaffRoles.Leader, StaffRoles.Admin })
            if (!await roles.RoleExistsAsync(role)) await roles.CreateAsync(new IdentityRole(role));
        if (await db.Schools.AnyAsync(ct)) return;

        var generated = string.IsNullOrWhiteSpace(options.Password);
        var password = generated ? GeneratePassword() : options.Password!;

        db.Schools.Add(new School
        {
            Id = "regenboog",
            Name = "De Regenboog",
            Holidays =
            [
                new() { From = new(2026, 10, 19), To = new(2026, 10, 23), Name = "Herfstvakantie" },
                new() { From = new(2026, 12, 21), To = new(2027, 1, 1), Name = "Kerstvakantie" },
                new() { From = new(2027, 2, 22), To = new(2027, 2, 26), Name = "Voorjaarsvakantie" },
                new() { From = new(2027, 4, 26), To = new(2027, 5, 7), Name = "Meivakantie" },
                new() { From = new(2027, 7, 17), To = new(2027, 8, 29), Name = "Zomervakantie" },
            ],
        });
        db.Schools.Add(new School { Id = "vlinder", Name = "De Vlinder" });
        AddPupils("regenboog", "rb", perGroup: 8, groups: 8);
        AddPupils("vlinder", "vl", perGroup: 3, groups: 8);
        await db.SaveChangesAsync(ct);

        await AddUserAsync("apc@regenboog.test", "Diana de Wit", "regenboog", StaffRoles.Coordinator, password);
        await AddUserAsync("leerkracht1@regenboog.test", "Karin Smit", "regenboog", StaffRoles.Teacher, password);
        await AddUserAsync("leerkracht2@regenboog.test", "Joost Mulder", "regenboog", StaffRoles.Teacher, password);
        await AddUserAsync("directie@regenboog.test", "Marieke Bos", "regenboog", StaffRoles.Leader, password);
        await AddUserAsync("admin@regenboog.test", "Beheer Regenboog", "regenboog", StaffRoles.Admin, password);
        await AddUserAsync("apc@vlinder.test", "Peter Hendriks", "vlinder", StaffRoles.Coordinator, password);
        await AddUserAsync("leerkracht1@vlinder.test", "Sanne Visser", "vlinder", StaffRoles.Teacher, password);
        // Each teacher has a group of their own: they open the pages of its pupils.
        await SetTeacherAsync("rb-groep5", "leerkracht1@regenboog.test", ct);
        await SetTeacherAsync("rb-groep6", "leerkracht2@regenboog.test", ct);
        await SetTeacherAsync("vl-groep1", "leerkracht1@vlinder.test", ct);

        if (options.PastCases) await history.SeedAsync(ct);

        // Printed once, on the console only: the structured log never carries it.
        if (generated)
            Console.WriteLine($"Demo-accounts aangemaakt (o.a. apc@regenboog.test). Wachtwoord voor alle demo-accounts: {password}");
        logger.LogInformation("Demo data created: schools De Regenboog and De Vlinder");
    }

    private void AddPupils(string schoolId, string prefix, int perGroup, int groups)
    {
        var n = 0;
        for (var year = 1; year <= groups; year++)
        {
            var groupId = $"{prefix}-groep{year}";
            db.Groups.Add(new Group { Id = groupId, SchoolId = schoolId, Name = $"Groep {year}", Year = year });
            for (var i = 0; i < perGroup; i++, n++)
            {
                var first = FirstNames[(n * 7 + year) % FirstNames.Length];
                var last = LastNames[(n * 3 + i) % LastNames.Length];
                var id = $"{prefix}-{n + 1:D3}";
                var mail = $"{last.Replace(" ", "").ToLowerInvariant()}.{id}@ouders.{schoolId}.test";
                db.Pupils.Add(new Pupil
                {
                    Id = id, SchoolId = schoolId, GroupId = groupId, FirstName = first, LastName = last,
                    Guardians = [new Guardian { Name = $"Ouder van {first} {last}", Email = mail }],
                });
            }
        }
    }

    private async Task SetTeacherAsync(string groupId, string email, CancellationToken ct)
    {
        var teacher = await users.FindByEmailAsync(email) ?? throw new InvalidOperationException($"Demo account {email} is missing.");
        var group = await db.Groups.FirstAsync(g => g.Id == groupId, ct);
        group.TeacherUserId = teacher.Id;
        await db.SaveChangesAsync(ct);
    }

    private async Task AddUserAsync(string email, string name, string schoolId, string role, string password)
    {
        var user = new StaffUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = name, SchoolId = schoolId };
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded)
            throw new InvalidOperationException($"Demo account {email} could not be created: {string.Join("; ", created.Errors.Select(e => e.Description))}");
        await users.AddToRoleAsync(user, role);
    }

    private static string GeneratePassword()
    {
        const string letters = "abcdefghjkmnpqrstuvwxyz";
        var bytes = RandomNumberGenerator.GetBytes(10);
        var word = new string(bytes.Select(b => letters[b % letters.Length]).ToArray());
        return $"Demo-{word}-{RandomNumberGenerator.GetInt32(10, 99)}!";
    }
}
