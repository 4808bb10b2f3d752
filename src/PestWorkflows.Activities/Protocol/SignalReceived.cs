using PestWorkflows.Activities.Tasks;
using PestWorkflows.Engine.Model;
using PestWorkflows.Engine.Runtime;

namespace PestWorkflows.Activities.Protocol;

/// <summary>The start of a case: a staff member reported a signal of bullying.</summary>
[Activity("Pestprotocol", "Pestprotocol", "Een medewerker meldt signalen van pesten; dit start de zaak. Het signaal wordt dezelfde dag nog opgepakt.",
    DisplayName = "Signaal ontvangen", Kind = ActivityKind.Trigger)]
public sealed class SignalReceived : CodeActivity, ITrigger
{
    protected override void Execute(ActivityExecutionContext context) =>
        context.AddStepEffect(new CaseEvent(context.WorkflowInstanceId, CaseEventKind.StepStarted, "Signaal ontvangen", 0));
}
