using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WorkflowCore.Interface;
using WorkflowCore.Models;
using WorkflowCore.Models.LifeCycleEvents;

namespace PestWorkflows.Bench;

/// <summary>
/// (c) WorkflowCore 3.22.0 (NuGet package), default in-memory persistence (<c>services.AddWorkflow()</c>):
/// resumes per second of a workflow made of seven sequential <c>WaitFor("step-event", key)</c> steps,
/// each released by one published event.
/// <para>
/// Procedure: start M instances and wait until every one is suspended on its first wait (has an open
/// event subscription). Start the clock. Then seven rounds; in round r: publish one event per instance,
/// wait until WorkflowCore reports (life-cycle <see cref="StepCompleted"/> of a WaitFor step) that every
/// instance has completed wait r, and until every instance is suspended again on wait r+1 (its new
/// subscription is stored) or, after the seventh wait, has completed. Stop the clock. One operation is
/// one resume: a publication that advanced an instance past a wait, as counted from WorkflowCore's own
/// StepCompleted events, and checked at the end against the stored execution pointers. The figure varies
/// noticeably between runs, so the full run repeats this on fresh hosts and reports the totals.
/// </para>
/// <para>
/// Each WaitFor has <c>effectiveDate: DateTime.UtcNow</c> (as in WorkflowCore's own samples). Without it
/// the subscription's "as of" date is DateTime.MinValue and WorkflowCore 3.22.0 hands every later wait on
/// the same event name and key the events that released the earlier waits again (the worker marks them
/// unprocessed and re-queues them): one publication then runs an instance through all seven waits, which
/// would count seven "resumes" for one event. Checked with this package: with the date, one publication
/// advances exactly one wait.
/// </para>
/// </summary>
public sealed class WorkflowCoreBaseline : IBenchmarkPart
{
    public const string EventName = "step-event";
    public const int WaitsPerWorkflow = 7;

    /// <summary>RunnablePoller period (default 10 s). Only matters for recovery; events are queue-driven.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Queue consumers' back-off when idle or saturated (default 100 ms).</summary>
    public static readonly TimeSpan IdleTime = TimeSpan.FromMilliseconds(10);

    /// <summary>How often the driver checks that instances are suspended on their next wait.</summary>
    private static readonly TimeSpan SuspendCheckInterval = TimeSpan.FromMilliseconds(1);

    public string Name => BenchmarkNames.WorkflowCore;

    public static int Instances(bool quick) => quick ? 20 : 200;

    /// <summary>Measured waves, each on a fresh host: the figure varies noticeably from run to run.</summary>
    public static int Repetitions(bool quick) => quick ? 1 : 5;

    private static int WarmUpInstances(bool quick) => quick ? 5 : 20;

    public async Task<BenchmarkResult> RunAsync(BenchmarkOptions options, CancellationToken ct)
    {
        var instances = Instances(options.Quick);
        var repetitions = Repetitions(options.Quick);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(options.Quick ? TimeSpan.FromSeconds(60) : TimeSpan.FromMinutes(5));

        // Full run: one whole repetition first, discarded, so that tiered JIT has settled (with only the
        // small per-host warm-up the first measured repetitions came out at about half the later ones).
        if (!options.Quick)
            await RunOnce(options.Quick, instances, deadline.Token);

        var runs = new List<RunStats>();
        for (var i = 0; i < repetitions; i++)
            runs.Add(await RunOnce(options.Quick, instances, deadline.Token));

        static string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
        var resumes = runs.Sum(r => r.Resumes);
        var elapsed = TimeSpan.FromTicks(runs.Sum(r => r.Elapsed.Ticks));
        var extra = new Dictionary<string, string>
        {
            ["package"] = "WorkflowCore " + typeof(IWorkflowHost).Assembly.GetName().Version,
            ["persistence"] = "default in-memory (services.AddWorkflow(): TransientMemoryPersistenceProvider over MemoryPersistenceProvider)",
            ["options"] = $"UsePollInterval({PollInterval.TotalMilliseconds:F0} ms), UseIdleTime({IdleTime.TotalMilliseconds:F0} ms); everything else default " +
                          $"(MaxConcurrentWorkflows = max(cores, 4) = {Math.Max(Environment.ProcessorCount, 4)}, single-node queue/lock/event hub, life-cycle publisher on)",
            ["workflow"] = $"StartWith(inline) + {WaitsPerWorkflow} x WaitFor(\"{EventName}\", data => data.Key, effectiveDate: data => DateTime.UtcNow)",
            ["instances"] = $"{instances} per repetition, after a warm-up of {WarmUpInstances(options.Quick)} on the same host",
            ["repetitions"] = $"{repetitions} (fresh host and store each; figures above are totals over all)" +
                              (options.Quick ? "" : "; preceded by one discarded repetition (JIT warm-up)"),
            ["perRepetitionOpsPerSecond"] = string.Join(", ", runs.Select(r => F(r.Resumes / r.Elapsed.TotalSeconds, "F1"))),
            ["publications"] = runs.Sum(r => r.Publications).ToString(CultureInfo.InvariantCulture),
            ["resumes"] = resumes.ToString(CultureInfo.InvariantCulture),
            ["measuredInterval"] = "first publication -> every instance past all 7 waits and completed (includes re-suspension on the next wait after each resume)",
            ["publishToResumedSeconds"] = F(runs.Sum(r => r.PublishToResumed.TotalSeconds), "F3") + " (of the measured seconds: publication until the resumes were reported, without re-suspension)",
            [BenchmarkExtraKeys.HeapBytesPerSuspendedInstance] = F(Median(runs.Select(r => r.HeapBytesPerSuspendedInstance)), "F0"),
        };
        return new BenchmarkResult(Name, resumes, elapsed, extra);
    }

    /// <summary>One fresh host (and in-memory store): warm-up wave, then the measured wave.</summary>
    private static async Task<RunStats> RunOnce(bool quick, int instances, CancellationToken token)
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning)); // no providers: WorkflowCore's logging stays silent
        services.AddWorkflow(o =>
        {
            o.UsePollInterval(PollInterval);
            o.UseIdleTime(IdleTime);
        });

        await using var provider = services.BuildServiceProvider();
        var host = provider.GetRequiredService<IWorkflowHost>();
        host.RegisterWorkflow<SevenWaitsWorkflow, SevenWaitsData>();

        var definition = host.Registry.GetDefinition(SevenWaitsWorkflow.DefinitionId, null)
            ?? throw new InvalidOperationException("workflow definition not registered");
        var waitStepIds = definition.Steps
            .Where(s => s.BodyType == typeof(WorkflowCore.Primitives.WaitFor))
            .Select(s => s.Id)
            .ToHashSet();
        if (waitStepIds.Count != WaitsPerWorkflow)
            throw new InvalidOperationException($"expected {WaitsPerWorkflow} WaitFor steps, found {waitStepIds.Count}");

        var tracker = new Tracker(waitStepIds);
        host.OnLifeCycleEvent += tracker.OnLifeCycleEvent;
        long stepErrors = 0;
        host.OnStepError += (_, _, _) => Interlocked.Increment(ref stepErrors);

        host.Start();
        try
        {
            // Warm-up: JIT, thread pool, queues. Same procedure, separate instances, not measured.
            var warm = await StartWave(host, tracker, "warm", WarmUpInstances(quick), token);
            await WaitSuspendedOnNextWait(host, warm, token);
            for (var round = 1; round <= WaitsPerWorkflow; round++)
                await RunRound(host, warm, round, token);

            // Measured wave. Heap before/after starting it gives a (rough) in-memory size per suspended instance.
            var heapBefore = SettledHeap();
            var wave = await StartWave(host, tracker, "m", instances, token);
            await WaitSuspendedOnNextWait(host, wave, token);
            var heapAfter = SettledHeap();

            var clock = Stopwatch.StartNew();
            var publishToResumed = TimeSpan.Zero;
            for (var round = 1; round <= WaitsPerWorkflow; round++)
                publishToResumed += await RunRound(host, wave, round, token);
            clock.Stop();

            await Verify(host, wave, waitStepIds, token);
            if (Interlocked.Read(ref stepErrors) != 0)
                throw new InvalidOperationException($"WorkflowCore reported {stepErrors} step errors");

            return new RunStats(
                Interlocked.Read(ref wave.Resumes),
                Interlocked.Read(ref wave.Publications),
                clock.Elapsed,
                publishToResumed,
                Math.Max(0, (heapAfter - heapBefore) / (double)instances));
        }
        finally
        {
            host.OnLifeCycleEvent -= tracker.OnLifeCycleEvent;
            // Stop() joins WorkflowCore's consumer threads; don't let a wedged host keep the benchmark alive.
            var stop = Task.Run(host.Stop, CancellationToken.None);
            await Task.WhenAny(stop, Task.Delay(TimeSpan.FromSeconds(30), CancellationToken.None));
        }
    }

    private sealed record RunStats(long Resumes, long Publications, TimeSpan Elapsed, TimeSpan PublishToResumed, double HeapBytesPerSuspendedInstance);

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static async Task<Wave> StartWave(IWorkflowHost host, Tracker tracker, string prefix, int count, CancellationToken ct)
    {
        var wave = new Wave(count);
        for (var i = 0; i < count; i++)
        {
            ct.ThrowIfCancellationRequested();
            wave.Keys[i] = $"{prefix}-{i}-{Guid.NewGuid():N}";
            var id = await host.StartWorkflow(SevenWaitsWorkflow.DefinitionId, new SevenWaitsData { Key = wave.Keys[i] });
            wave.Ids[i] = id;
            tracker.Register(id, wave);
        }
        return wave;
    }

    /// <summary>
    /// One round: publish one event per instance, then wait until all of them have passed wait
    /// <paramref name="round"/> and are suspended on the next one (or completed, after the last).
    /// Returns the part of the round from the first publication to the last reported resume.
    /// </summary>
    private static async Task<TimeSpan> RunRound(IWorkflowHost host, Wave wave, int round, CancellationToken ct)
    {
        var expectedResumes = (long)round * wave.Count;
        var resumed = wave.Arm(expectedResumes, round == WaitsPerWorkflow ? wave.Count : 0);

        var sw = Stopwatch.StartNew();
        foreach (var key in wave.Keys)
        {
            await host.PublishEvent(EventName, key, round);
            Interlocked.Increment(ref wave.Publications);
        }

        await resumed.WaitAsync(ct);
        var publishToResumed = sw.Elapsed;

        if (round < WaitsPerWorkflow)
            await WaitSuspendedOnNextWait(host, wave, ct);
        else
            await wave.Arm(expectedResumes, wave.Count).WaitAsync(ct); // all WorkflowCompleted
        return publishToResumed;
    }

    /// <summary>Polls the persistence store until every instance has an open subscription for its key.</summary>
    private static async Task WaitSuspendedOnNextWait(IWorkflowHost host, Wave wave, CancellationToken ct)
    {
        var pending = new List<string>(wave.Keys);
        while (true)
        {
            for (var i = pending.Count - 1; i >= 0; i--)
            {
                var sub = await host.PersistenceStore.GetFirstOpenSubscription(EventName, pending[i], DateTime.MaxValue, ct);
                if (sub is not null)
                    pending.RemoveAt(i);
            }
            if (pending.Count == 0)
                return;
            if (wave.Failed is { } failure)
                throw new InvalidOperationException(failure);
            await Task.Delay(SuspendCheckInterval, ct);
        }
    }

    private static async Task Verify(IWorkflowHost host, Wave wave, HashSet<int> waitStepIds, CancellationToken ct)
    {
        var expected = (long)WaitsPerWorkflow * wave.Count;
        if (Interlocked.Read(ref wave.Resumes) != expected || Interlocked.Read(ref wave.Publications) != expected)
            throw new InvalidOperationException($"expected {expected} publications and resumes, got {wave.Publications} and {wave.Resumes}");

        foreach (var id in wave.Ids)
        {
            var instance = await host.PersistenceStore.GetWorkflowInstance(id, ct);
            var completedWaits = instance.ExecutionPointers.Count(p => waitStepIds.Contains(p.StepId) && p.Status == PointerStatus.Complete && p.EventPublished);
            if (instance.Status != WorkflowStatus.Complete || completedWaits != WaitsPerWorkflow)
                throw new InvalidOperationException($"instance {id}: status {instance.Status}, {completedWaits} completed waits");
        }
    }

    private static long SettledHeap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    /// <summary>Routes WorkflowCore's life-cycle events to the wave that owns the instance.</summary>
    private sealed class Tracker(HashSet<int> waitStepIds)
    {
        private readonly ConcurrentDictionary<string, Wave> _owner = new();

        public void Register(string workflowId, Wave wave) => _owner[workflowId] = wave;

        public void OnLifeCycleEvent(LifeCycleEvent evt)
        {
            if (!_owner.TryGetValue(evt.WorkflowInstanceId, out var wave))
                return;
            switch (evt)
            {
                case StepCompleted step when waitStepIds.Contains(step.StepId):
                    Interlocked.Increment(ref wave.Resumes);
                    wave.Check();
                    break;
                case WorkflowCompleted:
                    Interlocked.Increment(ref wave.Completed);
                    wave.Check();
                    break;
                case WorkflowError error:
                    wave.Fail($"instance {evt.WorkflowInstanceId}: workflow error at step {error.StepId}: {error.Message}");
                    break;
                case WorkflowTerminated:
                    wave.Fail($"instance {evt.WorkflowInstanceId} terminated");
                    break;
            }
        }
    }

    private sealed class Wave(int count)
    {
        public readonly int Count = count;
        public readonly string[] Keys = new string[count];
        public readonly string[] Ids = new string[count];
        public long Publications;
        public long Resumes;
        public long Completed;
        public volatile string? Failed;

        private readonly object _gate = new();
        private long _resumeTarget;
        private long _completedTarget;
        private TaskCompletionSource _signal = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Returns a task that completes once Resumes and Completed reach the targets.</summary>
        public Task Arm(long resumeTarget, long completedTarget)
        {
            lock (_gate)
            {
                _resumeTarget = resumeTarget;
                _completedTarget = completedTarget;
                _signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
            Check();
            if (Failed is { } failure)
                _signal.TrySetException(new InvalidOperationException(failure));
            return _signal.Task;
        }

        public void Check()
        {
            lock (_gate)
            {
                if (Interlocked.Read(ref Resumes) >= _resumeTarget && Interlocked.Read(ref Completed) >= _completedTarget)
                    _signal.TrySetResult();
            }
        }

        public void Fail(string message)
        {
            Failed ??= message;
            lock (_gate)
                _signal.TrySetException(new InvalidOperationException(message));
        }
    }
}

public sealed class SevenWaitsData
{
    public string Key { get; set; } = "";
}

/// <summary>StartWith(inline no-op), then seven sequential waits for <see cref="WorkflowCoreBaseline.EventName"/> keyed by the instance's key.</summary>
public sealed class SevenWaitsWorkflow : IWorkflow<SevenWaitsData>
{
    public const string DefinitionId = "pest-bench-seven-waits";

    public string Id => DefinitionId;

    public int Version => 1;

    public void Build(IWorkflowBuilder<SevenWaitsData> builder)
    {
        const string e = WorkflowCoreBaseline.EventName;
        builder
            .StartWith(_ => ExecutionResult.Next())
            .WaitFor(e, data => data.Key, data => DateTime.UtcNow)
            .WaitFor(e, data => data.Key, data => DateTime.UtcNow)
            .WaitFor(e, data => data.Key, data => DateTime.UtcNow)
            .WaitFor(e, data => data.Key, data => DateTime.UtcNow)
            .WaitFor(e, data => data.Key, data => DateTime.UtcNow)
            .WaitFor(e, data => data.Key, data => DateTime.UtcNow)
            .WaitFor(e, data => data.Key, data => DateTime.UtcNow);
    }
}
