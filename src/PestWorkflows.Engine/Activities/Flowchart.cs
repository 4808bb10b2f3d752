using System.Text.Json.Nodes;
using PestWorkflows.Engine.Model;
using PestWorkflows.Engine.Runtime;

namespace PestWorkflows.Engine.Activities;

/// <summary>
/// Elsa's flowchart: activities joined by connections from outcome ports. Both of Elsa's algorithms
/// are here: the counter-based one (Elsa 3's default) and the token-based one with per-node merge
/// modes; the instance's <see cref="WorkflowState.FlowchartMode"/> picks one.
/// </summary>
[Activity("Elsa", "Flow", "A flowchart: activities connected by their outcomes.", DisplayName = "Flowchart")]
[System.ComponentModel.Browsable(false)] // the designer's canvas, not something to drag onto it
public sealed class Flowchart : Activity, IContainerActivity
{
    private const string ScopeProperty = "FlowScope";
    private const string TokensProperty = "Flowchart.Tokens";
    private const string BackwardConnectionInput = "BackwardConnection";
    private FlowGraph? _graph;

    public List<Activity> Activities { get; } = new();
    public List<Connection> Connections { get; } = new();

    public IEnumerable<Activity> Children => Activities;

    /// <summary>Built lazily, once per materialized workflow; the flowchart's structure never changes.</summary>
    public FlowGraph Graph => _graph ??= new FlowGraph(Activities, Connections, FindStartActivity());

    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var start = Graph.Start;
        if (start is null) return context.CompleteActivityAsync();
        context.ScheduleActivity(start);
        return ValueTask.CompletedTask;
    }

    /// <summary>Elsa's start rules: a Start activity, then one that can start the workflow, then
    /// the first without inbound connections, then the first. A root-level "start" property is ignored.</summary>
    private Activity? FindStartActivity() =>
        Activities.FirstOrDefault(a => a is IStartNode)
        ?? Activities.FirstOrDefault(a => a.CanStartWorkflow)
        ?? Activities.FirstOrDefault(a => Connections.All(c => c.Target != a))
        ?? Activities.FirstOrDefault();

    public ValueTask OnChildCompletedAsync(ActivityExecutionContext self, ActivityExecutionContext child, IReadOnlyList<string> outcomes) =>
        self.WorkflowExecutionContext.State.FlowchartMode == FlowchartExecutionMode.TokenBased
            ? OnChildCompletedTokenBasedAsync(self, child, outcomes)
            : OnChildCompletedCounterBasedAsync(self, child, outcomes);

    public async ValueTask OnChildCanceledAsync(ActivityExecutionContext self, ActivityExecutionContext child)
    {
        if (self.WorkflowExecutionContext.State.FlowchartMode == FlowchartExecutionMode.TokenBased)
        {
            var tokens = Tokens(self);
            tokens.RemoveAll(t => t.From == child.Activity.Id || t.To == child.Activity.Id);
            SaveTokens(self, tokens);
            await CompleteIfDoneTokenBasedAsync(self, tokens);
            return;
        }

        await CompleteIfNoPendingWorkAsync(self);
        if (self.Status != ActivityStatus.Running) return;
        // A cancelled activity's outbound connections count as visited but not followed,
        // so joins downstream can still resolve.
        await MaybeScheduleOutboundAsync(self, new FlowScope(self.Properties, ScopeProperty), child.Activity, Outcomes.Empty, backward: false);
    }

    // ---- counter-based (Elsa's default) -----------------------------------------------------

    private async ValueTask OnChildCompletedCounterBasedAsync(ActivityExecutionContext self, ActivityExecutionContext child, IReadOnlyList<string> outcomes)
    {
        if (child.Activity is ITerminalNode)
        {
            await self.CompleteActivityAsync();
            return;
        }

        var scope = new FlowScope(self.Properties, ScopeProperty);
        var backward = child.ScheduleInput?[BackwardConnectionInput] is JsonValue v && v.TryGetValue(out bool b) && b;
        var scheduled = await MaybeScheduleOutboundAsync(self, scope, child.Activity, outcomes, backward);
        if (!scheduled)
            await CompleteIfNoPendingWorkAsync(self);
    }

    private async ValueTask<bool> MaybeScheduleOutboundAsync(ActivityExecutionContext self, FlowScope scope, Activity activity, IReadOnlyList<string> outcomes, bool backward)
    {
        if (!backward) scope.VisitActivity(activity);
        var scheduled = false;
        foreach (var connection in Graph.Outbound(activity))
        {
            var followed = outcomes.Contains(connection.SourcePort);
            scope.VisitConnection(connection, followed);
            if (Graph.IsBackward(connection))
            {
                if (!followed) continue;
                if (!Graph.IsValidBackward(connection))
                    throw new InvalidOperationException($"Invalid backward connection: Every path from the source ('{connection.Source.Id}') must go through the target ('{connection.Target.Id}') when tracing back to the start.");
                self.ScheduleActivity(connection.Target, new JsonObject { [BackwardConnectionInput] = true });
                scheduled = true;
            }
            else
            {
                scheduled |= await MaybeScheduleTargetAsync(self, scope, connection);
            }
        }
        return scheduled;
    }

    private async ValueTask<bool> MaybeScheduleTargetAsync(ActivityExecutionContext self, FlowScope scope, Connection connection)
    {
        var target = connection.Target;
        var inbound = Graph.ForwardInbound(target).ToList();
        var allVisited = inbound.All(c => scope.ConnectionVisits(c) > scope.ActivityVisits(target));
        var mode = target is FlowJoin join ? await join.GetModeAsync(self) : FlowJoinMode.WaitAllActive;

        switch (mode)
        {
            case FlowJoinMode.WaitAny:
                // Ignore arrivals for a round the join has already run, is about to run, or is running
                // (a branch it cancels reports back while it runs; Elsa would run it a second time).
                if (scope.ActivityVisits(target) >= scope.ConnectionVisits(connection)) return false;
                if (self.Children.Any(c => c.Activity == target && c.Status is ActivityStatus.Pending or ActivityStatus.Running)) return false;
                if (inbound.Any(scope.LastFollowed))
                {
                    // Scheduled before the cancellations, so that they never find the flowchart without work.
                    self.ScheduleActivity(target);
                    await CancelInboundAncestorsAsync(self, target);
                    return true;
                }
                return allVisited && await SkipAsync(self, scope, target);

            case FlowJoinMode.WaitAll:
                if (!allVisited) return false;
                if (inbound.All(scope.LastFollowed)) { self.ScheduleActivity(target); return true; }
                return await SkipAsync(self, scope, target);

            default: // WaitAllActive, the implicit join of every other activity
                if (!allVisited) return false;
                if (inbound.Any(scope.LastFollowed)) { self.ScheduleActivity(target); return true; }
                return await SkipAsync(self, scope, target);
        }
    }

    /// <summary>Dead-path propagation: the target does not run, its outbound connections count as not followed.</summary>
    private ValueTask<bool> SkipAsync(ActivityExecutionContext self, FlowScope scope, Activity target) =>
        MaybeScheduleOutboundAsync(self, scope, target, Outcomes.Empty, backward: false);

    private async ValueTask CompleteIfNoPendingWorkAsync(ActivityExecutionContext self)
    {
        if (self.Status != ActivityStatus.Running) return;
        if (HasPendingWork(self)) return;
        if (self.Children.Any(c => c.Status == ActivityStatus.Faulted)) return;
        await self.CompleteActivityAsync();
    }

    private static bool HasPendingWork(ActivityExecutionContext self) =>
        self.Children.Any(c => c.Status is ActivityStatus.Pending or ActivityStatus.Running);

    /// <summary>
    /// Cancels the inbound branches of <paramref name="target"/> that are running: started activities,
    /// such as one waiting on a bookmark. As in Elsa, work that is scheduled but has not started yet is
    /// left alone; it still runs (a loop's counter step, the other side of a decision).
    /// </summary>
    internal async ValueTask CancelInboundAncestorsAsync(ActivityExecutionContext self, Activity target)
    {
        var ancestors = Graph.Ancestors(target);
        foreach (var child in self.Children.Where(c => ancestors.Contains(c.Activity) && c.Status == ActivityStatus.Running).ToList())
            await child.CancelAsync();
    }

    // ---- token-based (opt-in) ---------------------------------------------------------------

    private async ValueTask OnChildCompletedTokenBasedAsync(ActivityExecutionContext self, ActivityExecutionContext child, IReadOnlyList<string> outcomes)
    {
        var completed = child.Activity;
        if (completed is ITerminalNode)
        {
            ClearTokens(self);
            await self.CompleteActivityAsync();
            return;
        }

        var tokens = Tokens(self);
        var active = Graph.Outbound(completed).Where(c => outcomes.Contains(c.SourcePort)).Distinct().ToList();
        var emitted = active.Select(c => new Token(c.Source.Id, c.SourcePort, c.Target.Id)).ToList();
        foreach (var token in tokens.Where(t => t.To == completed.Id && !t.Consumed && !t.Blocked))
            token.Consumed = true;
        tokens.AddRange(emitted);

        for (var i = 0; i < active.Count; i++)
        {
            var connection = active[i];
            var target = connection.Target;
            var mode = await MergeModeAsync(self, target);
            switch (mode)
            {
                case MergeMode.Race:
                    var blocked = tokens.FirstOrDefault(t => t.Blocked && !t.Consumed && t.From == completed.Id && t.To == target.Id);
                    if (blocked is not null)
                    {
                        // A later arrival: the race was already won.
                        blocked.Consumed = true;
                        emitted[i].Consumed = true;
                        break;
                    }
                    self.ScheduleActivity(target);
                    await CancelInboundAncestorsAsync(self, target);
                    foreach (var other in Graph.ForwardInbound(target).Where(c => c.Source != completed))
                        tokens.Add(new Token(other.Source.Id, other.SourcePort, target.Id) { Blocked = true });
                    break;

                case MergeMode.Cascade:
                    self.ScheduleActivity(target);
                    break;

                case MergeMode.Merge:
                case MergeMode.Converge:
                    var inbound = (mode == MergeMode.Converge ? Graph.Inbound(target) : Graph.ForwardInbound(target)).ToList();
                    if (inbound.Count <= 1 || inbound.All(c => tokens.Any(t => !t.Consumed && !t.Blocked && t.From == c.Source.Id && t.To == target.Id)))
                        self.ScheduleActivity(target);
                    break;

                default: // Stream: run once no upstream source is still on its way.
                    var upstreamPending = Graph.ForwardInbound(target)
                        .Any(c => tokens.Any(t => !t.Consumed && !t.Blocked && t.To == c.Source.Id));
                    if (!upstreamPending) self.ScheduleActivity(target);
                    break;
            }
        }

        tokens.RemoveAll(t => t.Consumed && t.To == completed.Id);
        SaveTokens(self, tokens);
        await CompleteIfDoneTokenBasedAsync(self, tokens);
    }

    private async ValueTask CompleteIfDoneTokenBasedAsync(ActivityExecutionContext self, List<Token> tokens)
    {
        if (self.Status != ActivityStatus.Running || HasPendingWork(self)) return;
        // Tokens still waiting at a join keep the flowchart open (Elsa leaves it Suspended).
        if (tokens.Any(t => !t.Consumed && !t.Blocked)) return;
        ClearTokens(self);
        await self.CompleteActivityAsync();
    }

    private static async ValueTask<MergeMode> MergeModeAsync(ActivityExecutionContext self, Activity target)
    {
        if (target is FlowJoin join)
            return await join.GetModeAsync(self) == FlowJoinMode.WaitAny ? MergeMode.Race : MergeMode.Merge;
        var value = (string?)(target.CustomProperties["mergeMode"] as JsonValue);
        return Enum.TryParse<MergeMode>(value, ignoreCase: true, out var mode) ? mode : MergeMode.Stream;
    }

    /// <summary>
    /// The flowchart's one token list for this run. Handlers nest (completing a child may cancel
    /// another, whose handler runs inside the first), so each must change the same list: a handler
    /// holding its own copy would save it over what the nested one did.
    /// </summary>
    private static List<Token> Tokens(ActivityExecutionContext self)
    {
        if (self.TransientProperties.TryGetValue(TokensProperty, out var cached)) return (List<Token>)cached;
        var tokens = self.Properties[TokensProperty] is JsonArray array
            ? array.Select(n => Token.FromJson((JsonObject)n!)).ToList()
            : new List<Token>();
        self.TransientProperties[TokensProperty] = tokens;
        return tokens;
    }

    private static void SaveTokens(ActivityExecutionContext self, List<Token> tokens) =>
        self.Properties[TokensProperty] = new JsonArray(tokens.Select(t => (JsonNode)t.ToJson()).ToArray());

    private static void ClearTokens(ActivityExecutionContext self)
    {
        self.TransientProperties.Remove(TokensProperty);
        self.Properties.Remove(TokensProperty);
    }

    private enum MergeMode { None, Stream, Merge, Converge, Cascade, Race }

    private sealed class Token(string from, string outcome, string to)
    {
        public string From { get; } = from;
        public string Outcome { get; } = outcome;
        public string To { get; } = to;
        public bool Consumed { get; set; }
        public bool Blocked { get; init; }

        public JsonObject ToJson() => new() { ["from"] = From, ["outcome"] = Outcome, ["to"] = To, ["consumed"] = Consumed, ["blocked"] = Blocked };

        public static Token FromJson(JsonObject o) =>
            new((string)o["from"]!, (string)o["outcome"]!, (string)o["to"]!) { Consumed = (bool)o["consumed"]!, Blocked = (bool)o["blocked"]! };
    }

    /// <summary>Counter-mode bookkeeping, persisted in the flowchart's properties: visits per
    /// activity, and visits per connection with whether the last visit followed it.</summary>
    private sealed class FlowScope(JsonObject properties, string key)
    {
        private JsonObject Root => properties[key] as JsonObject ?? (JsonObject)(properties[key] = new JsonObject { ["activities"] = new JsonObject(), ["connections"] = new JsonObject() })!;
        private JsonObject ActivityCounts => (JsonObject)Root["activities"]!;
        private JsonObject ConnectionCounts => (JsonObject)Root["connections"]!;

        public int ActivityVisits(Activity activity) => (int?)ActivityCounts[activity.Id] ?? 0;
        public void VisitActivity(Activity activity) => ActivityCounts[activity.Id] = ActivityVisits(activity) + 1;

        public int ConnectionVisits(Connection connection) => (int?)ConnectionCounts[connection.Key]?["visits"] ?? 0;
        public bool LastFollowed(Connection connection) => (bool?)ConnectionCounts[connection.Key]?["followed"] ?? false;

        public void VisitConnection(Connection connection, bool followed) =>
            ConnectionCounts[connection.Key] = new JsonObject { ["visits"] = ConnectionVisits(connection) + 1, ["followed"] = followed };
    }
}
