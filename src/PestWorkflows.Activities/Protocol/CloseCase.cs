using PestWorkflows.Activities.Tasks;
using PestWorkflows.Engine.Model;
using PestWorkflows.Engine.Runtime;

namespace PestWorkflows.Activities.Protocol;

/// <summary>Closes the case with its outcome.</summary>
[Activity("Pestprotocol", "Pestprotocol", "Sluit de zaak af en leg de uitkomst vast.", DisplayName = "Zaak afsluiten")]
public sealed class CloseCase : CodeActivity
{
    public static readonly IReadOnlyList<string> Outcomes = ["NotBullying", "StoppedAfterConversation", "StoppedAfterParents", "Mdo"];

    [Input(DisplayName = "Uitkomst", Description = "Hoe de zaak eindigt.", UIHint = InputUIHints.DropDown,
        Options = ["NotBullying", "StoppedAfterConversation", "StoppedAfterParents", "Mdo"])]
    public Input<string> Outcome { get; set; } = new("StoppedAfterConversation");

    protected override async ValueTask ExecuteCodeAsync(ActivityExecutionContext context)
    {
        var outcome = await context.GetAsync(Outcome, nameof(Outcome)) ?? "StoppedAfterConversation";
        context.AddStepEffect(new CaseEvent(context.WorkflowInstanceId, CaseEventKind.Closed, $"Zaak afgesloten: {Label(outcome)}.", Outcome: outcome));
    }

    public static string Label(string outcome) => outcome switch
    {
        "NotBullying" => "geen pesten",
        "StoppedAfterConversation" => "gestopt na het gesprek met de pester",
        "StoppedAfterParents" => "gestopt na het gesprek met de ouders",
        "Mdo" => "afgerond met een MDO",
        _ => outcome,
    };
}
