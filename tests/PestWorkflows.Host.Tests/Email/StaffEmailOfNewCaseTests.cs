using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PestWorkflows.Host.Cases;
using PestWorkflows.Host.Data;
using PestWorkflows.Host.Email;
using PestWorkflows.Host.Tests.Infrastructure;
using PestWorkflows.Host.Tests.Protocol;

namespace PestWorkflows.Host.Tests.Email;

/// <summary>
/// A step's emails are composed before its rows are written, so the case a signal creates in that very
/// step has its pupils only in the context: a step title naming one of them is still left out.
/// </summary>
public sealed class StaffEmailOfNewCaseTests
{
    [Fact]
    public async Task A_title_naming_a_pupil_of_a_case_not_yet_written_is_left_out()
    {
        await using var s = new SchoolApp();
        var pupils = await s.PupilsAsync(HostApp.Teacher1);
        var pupilId = (string)pupils[0]["id"]!;
        await using var scope = s.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var pupil = await db.Pupils.SingleAsync(p => p.Id == pupilId);
        var coordinator = await db.Users.SingleAsync(u => u.Email == HostApp.Coordinator);

        await using var transaction = await db.Database.BeginTransactionAsync();
        var @case = new Case { Id = "nieuw", SchoolId = pupil.SchoolId, Pupils = [new CasePupil { PupilId = pupil.Id, Role = PupilRole.Bullied }] };
        db.Cases.Add(@case); // not saved: as a step's effects prepare it
        var emails = scope.ServiceProvider.GetRequiredService<StaffEmails>();
        await emails.SendAsync(db, new StaffNotice(StaffNoticeKind.NewTask, pupil.SchoolId, @case.Id, "taak-1", $"Praten met {pupil.FirstName}", null),
            [new StaffRecipient(coordinator.Id, coordinator.Email!, coordinator.DisplayName)], CancellationToken.None);

        var email = Assert.Single(db.Emails.Local);
        Assert.Contains($"Taak: {StaffEmails.TitleLeftOut}", email.TextBody);
        Assert.DoesNotContain(pupil.FirstName, email.TextBody + email.HtmlBody);
    }
}
