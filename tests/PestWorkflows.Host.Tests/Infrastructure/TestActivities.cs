using PestWorkflows.Engine.Model;

namespace PestWorkflows.Host.Tests.Infrastructure;

// Stand-ins for the protocol activities used in ../shared/docs/elsa-studio/saved-publish-body.json
// (the body the genuine Elsa Studio posted), so that document can be saved and read back here.

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
