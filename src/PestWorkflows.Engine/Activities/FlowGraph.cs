using PestWorkflows.Engine.Model;

namespace PestWorkflows.Engine.Activities;

/// <summary>A connection between two activities of a flowchart: source port to target.</summary>
public sealed record Connection(Activity Source, string SourcePort, Activity Target, string TargetPort)
{
    /// <summary>A stable key for counters and tokens within one definition version.</summary>
    public string Key => $"{Source.Id}|{SourcePort}|{Target.Id}";
}

/// <summary>
/// The static shape of a flowchart: the start activity, and its connections split into forward
/// ones (acyclic, seen from the start) and backward ones (loop-backs), as Elsa's FlowGraph does.
/// </summary>
public sealed class FlowGraph
{
    private readonly HashSet<Connection> _backward = new();
    private readonly Dictionary<Activity, List<Connection>> _outbound = new();
    private readonly Dictionary<Activity, List<Connection>> _inbound = new();
    private readonly Dictionary<Activity, HashSet<Activity>> _ancestors = new();
    private readonly Dictionary<Connection, bool> _validBackward = new();

    public FlowGraph(IReadOnlyList<Activity> activities, IReadOnlyList<Connection> connections, Activity? start)
    {
        Start = start;
        foreach (var activity in activities)
        {
            _outbound[activity] = new();
            _inbound[activity] = new();
        }
        foreach (var connection in connections)
        {
            _outbound[connection.Source].Add(connection);
            _inbound[connection.Target].Add(connection);
        }

        // Depth-first from the start, in connection order: an edge to an activity still on the
        // path is a loop-back. Activities not reachable from the start are walked afterwards.
        var state = new Dictionary<Activity, int>(); // 1 = on path, 2 = done
        void Visit(Activity activity)
        {
            state[activity] = 1;
            foreach (var connection in _outbound[activity])
            {
                var s = state.GetValueOrDefault(connection.Target);
                if (s == 1) _backward.Add(connection);
                else if (s == 0) Visit(connection.Target);
            }
            state[activity] = 2;
        }
        if (start is not null) Visit(start);
        foreach (var activity in activities)
            if (!state.ContainsKey(activity)) Visit(activity);
    }

    public Activity? Start { get; }

    public IReadOnlyList<Connection> Outbound(Activity activity) => _outbound.TryGetValue(activity, out var list) ? list : [];
    public IReadOnlyList<Connection> Inbound(Activity activity) => _inbound.TryGetValue(activity, out var list) ? list : [];
    public IEnumerable<Connection> ForwardInbound(Activity activity) => Inbound(activity).Where(c => !_backward.Contains(c));
    public bool IsBackward(Connection connection) => _backward.Contains(connection);

    /// <summary>
    /// Elsa's rule for a loop-back: every path from the start to its source goes through its target,
    /// so the loop re-enters at the one door it has. Otherwise counter-mode bookkeeping cannot tell
    /// rounds apart, and Elsa refuses to follow the connection.
    /// </summary>
    public bool IsValidBackward(Connection connection)
    {
        lock (_validBackward)
        {
            if (_validBackward.TryGetValue(connection, out var cached)) return cached;
            return _validBackward[connection] = Start is not null && !ReachableAvoiding(Start, connection.Source, connection.Target);
        }
    }

    /// <summary>Whether <paramref name="to"/> can be reached from <paramref name="from"/> over forward connections without passing <paramref name="avoid"/>.</summary>
    private bool ReachableAvoiding(Activity from, Activity to, Activity avoid)
    {
        if (from == avoid) return false;
        var seen = new HashSet<Activity> { from };
        var stack = new Stack<Activity>();
        stack.Push(from);
        while (stack.Count > 0)
        {
            var current = stack.Pop();
            if (current == to) return true;
            foreach (var connection in Outbound(current))
                if (!_backward.Contains(connection) && connection.Target != avoid && seen.Add(connection.Target))
                    stack.Push(connection.Target);
        }
        return false;
    }

    /// <summary>Every activity from which <paramref name="activity"/> can be reached over forward connections.</summary>
    public IReadOnlySet<Activity> Ancestors(Activity activity)
    {
        lock (_ancestors)
        {
            if (_ancestors.TryGetValue(activity, out var cached)) return cached;
            var result = new HashSet<Activity>();
            var stack = new Stack<Activity>();
            stack.Push(activity);
            while (stack.Count > 0)
                foreach (var connection in ForwardInbound(stack.Pop()))
                    if (result.Add(connection.Source)) stack.Push(connection.Source);
            _ancestors[activity] = result;
            return result;
        }
    }
}
