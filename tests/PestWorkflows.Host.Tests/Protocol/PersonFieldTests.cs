using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PestWorkflows.Host.Data;
using PestWorkflows.Host.Tests.Infrastructure;

namespace PestWorkflows.Host.Tests.Protocol;

/// <summary>
/// A person field of a task takes a staff member of the task's own school only: completing the plan of
/// approach with a colleague of another school, or an id nobody has, is refused and starts nothing.
/// </summary>
public sealed class PersonFieldTests : IAsyncLifetime
{
    private SchoolApp _s = null!;
    private string _caseId = "";

    public async Task InitializeAsync()
    {
        _s = new SchoolApp();
        var pupils = await _s.PupilsAsync(HostApp.Teacher1);
        _caseId = (string)(await _s.ReportAsync(HostApp.Teacher1, SchoolApp.Signal(((string)pupils[10]["id"]!, "Bullied"), ((string)pupils[11]["id"]!, "Bully"))))["id"]!;
        await _s.CompleteAsync(HostApp.Coordinator, _caseId, "Pestprotocol.DiscussWithCoordinator", new JsonObject { ["notes"] = "besproken" });
        await _s.CompleteAsync(HostApp.Coordinator, _caseId, "Pestprotocol.DecideIfBullying", new JsonObject { ["outcome"] = "Bullying", ["reasoning"] = "pesten" });
        await _s.CompleteAsync(HostApp.Teacher1, _caseId, "Pestprotocol.DiscussInGroup", new JsonObject { ["held"] = true, ["rolesInGroup"] = "besproken" });
    }

    public async Task DisposeAsync() => await _s.DisposeAsync();

    [Theory]
    [InlineData("other school")]
    [InlineData("nobody")]
    public async Task A_plan_naming_someone_who_is_not_staff_of_the_school_is_refused(string who)
    {
        var plan = await _s.TaskAsync(HostApp.Coordinator, _caseId, "Pestprotocol.PlanOfApproach");
        var staff = SchoolApp.StaffByName(plan);
        var stranger = who == "nobody" ? "no-such-account" : await AccountIdAsync(HostApp.OtherTeacher);

        using var response = await _s.CompleteRawAsync(HostApp.Coordinator, (string)plan["id"]!, new JsonObject
        {
            ["informed"] = new JsonArray("ParentsOfBullied", "ParentsOfBully"),
            ["registration"] = "In ESIS onder pestincidenten",
            ["bulliedPupilConversationBy"] = staff["Joost Mulder"],
            ["bullyConversationBy"] = stranger,
            ["bullyParentsConversationBy"] = staff["Marieke Bos"],
            ["esisRegistrationBy"] = staff["Karin Smit"],
        });

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"expected 400, got {(int)response.StatusCode} {text}");
        var errors = JsonNode.Parse(text)!["errors"]!.AsObject();
        Assert.Equal(["bullyConversationBy"], errors.Select(e => e.Key));
        Assert.EndsWith("moet een medewerker van deze school zijn.", (string)errors["bullyConversationBy"]![0]!);
        // Nothing moved on: the plan is still open for the coordinator.
        Assert.Equal((string)plan["id"]!, (string)(await _s.TaskAsync(HostApp.Coordinator, _caseId, "Pestprotocol.PlanOfApproach"))["id"]!);
    }

    private async Task<string> AccountIdAsync(string email)
    {
        await using var scope = _s.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
    }
}
