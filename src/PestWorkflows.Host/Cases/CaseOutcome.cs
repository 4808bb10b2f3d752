using System.Text.Json.Serialization;

namespace PestWorkflows.Host.Cases;

/// <summary>
/// How a case ended, as the protocol's CloseCase activity records it. Kept typed on the case so the
/// annual evaluation counts outcomes without parsing timeline text.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<CaseOutcome>))]
public enum CaseOutcome
{
    /// <summary>Step 2 found no bullying.</summary>
    NotBullying,
    /// <summary>The behaviour stopped after the conversation with the bully (step 5).</summary>
    StoppedAfterConversation,
    /// <summary>The behaviour stopped after the conversation with the bully's parents (step 6).</summary>
    StoppedAfterParents,
    /// <summary>The case went to a multidisciplinary consultation (step 7).</summary>
    Mdo,
}
