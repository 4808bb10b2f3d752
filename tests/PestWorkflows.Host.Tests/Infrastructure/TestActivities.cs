using PestWorkflows.Engine.Model;

namespace PestWorkflows.Host.Tests.Infrastructure;

// Stand-ins for the activity types used in ../shared/docs/elsa-studio/saved-publish-body.json (the
// body the genuine Elsa Studio posted, from a feasibility test), so that document can be saved and
// read back here. A stand-in is registered only when the protocol has no activity of that name.

[Activity("Pestprotocol", "Pestprotocol", "A signal of bullying is recorded.")]
public sealed class Signal : CodeActivity
{
    [Input(Description = "Who reported the signal.")]
    public Input<string> ReportedBy { get; set; } = new(expression: null);
}

[Activity("Pestprotocol", "Pestprotocol", "A conversation with the bullied pupil.", DisplayName = "Conversation with bullied pupil")]
[FlowNode("Done", "Escalate")]
public sealed class ConversationWithBulliedPupil : CodeActivity
{
    [Input(Description = "Notes of the conversation.", UIHint = InputUIHints.MultiLine)]
    public Input<string> Notes { get; set; } = new(expression: null);

    [Input(Description = "The mentor who held the conversation.")]
    public Input<string> Mentor { get; set; } = new(expression: null);
}

[Activity("Pestprotocol", "Pestprotocol", "The parents are informed.")]
public sealed class InformParents : CodeActivity;

/// <summary>An activity with two declared outcomes, for the descriptor's flow ports.</summary>
[Activity("HostTests", "Tests", "Continues through Done or Escalate.")]
[FlowNode("Done", "Escalate")]
public sealed class TwoWays : CodeActivity;
