using System.Text.Json;
using Microsoft.Extensions.Logging;
using MlOps.Orleans.Catalog.Features;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Features.Materialization;

namespace MlOps.Orleans.Grains.Features.Materialization;

/// <summary>
/// Coordinates one materialization job (see <see cref="IMaterializationJobGrain"/>). The job lives in the catalog: the
/// plan and each partition's cumulative report are saved with a heartbeat every couple of seconds, so a new activation
/// (the coordinator's silo left) takes the job up from the catalog and the workers' next reports.
/// <para>
/// Losses: a partition that has not reported for <see cref="LostAfter"/> is asked whether it still runs; a worker activation
/// that answers no (its silo left, so this is a new one) fails the job. If the coordinator is gone and nobody asks for the
/// job, its heartbeat goes stale; after <see cref="StaleAfter"/> a new job on one of its views takes the lock over and the
/// catalog records the old job Failed. A job read by <see cref="Get"/> from a new activation is failed the same way once its
/// partitions have had <see cref="LostAfter"/> to report.
/// </para>
/// </summary>
public sealed class MaterializationJobGrain(IFeatureCatalog features, IMaterializationCatalog catalog, ILogger<MaterializationJobGrain> logger)
    : Grain, IMaterializationJobGrain
{
    public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan LostAfter = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan HeartbeatEvery = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan CancelWait = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(10);

    /// <summary>Partitions per active silo: each is a DuckDB scan plus a set of shard writers.</summary>
    public const int PartsPerSilo = 2;

    private readonly TaskCompletionSource _final = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private MaterializationJobState? _state;
    private MaterializationStatus _status;
    private string? _error;
    private DateTime? _finishedAt;
    private DateTime[] _lastReport = [];
    private DateTime _lastHeartbeat;
    private bool _cancelRequested;
    private bool _failing;
    private bool _finishing;
    private IGrainTimer? _timer;

    private string JobId => this.GetPrimaryKeyString();

    private bool IsFinal => _status is MaterializationStatus.Succeeded or MaterializationStatus.Failed or MaterializationStatus.Cancelled;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var row = await catalog.GetJobAsync(JobId, cancellationToken);
        if (row is null) return;
        _state = JsonSerializer.Deserialize<MaterializationJobState>(row.State)!;
        Adopt(row);
        if (IsFinal) return;
        // Taken up after a move: the workers' next reports rebuild the figures; silence from one means it is gone.
        _lastReport = _state.Parts.Select(_ => DateTime.UtcNow).ToArray();
        _lastHeartbeat = DateTime.UtcNow;
        StartTimer();
    }

    public async Task<MaterializationJobInfo> Start(MaterializationRequest request)
    {
        var normalized = MaterializationPlanner.Normalize(request);
        if (_state is not null)
        {
            return SameRequest(_state.Request, normalized)
                ? Info()
                : throw MlopsException.Exists($"materialization job '{JobId}' exists with a different request");
        }
        var now = DateTime.UtcNow;
        var tasks = await MaterializationPlanner.PlanAsync(normalized, features, catalog, now);
        var parts = await PartitionsAsync();
        var state = new MaterializationJobState
        {
            Request = normalized,
            Views = tasks.Select(t => new MaterializationJobState.PlannedView(t.View.Name, t.Version, t.Start, t.End)).ToList(),
            Parts = Enumerable.Range(0, parts).Select(_ => new MaterializationJobState.PartState { RowsRead = new long[tasks.Count], RowsWritten = new long[tasks.Count] }).ToList(),
            CreatedAt = now,
        };
        var nowMs = new DateTimeOffset(now).ToUnixTimeMilliseconds();
        var claim = await catalog.ClaimAsync(new MaterializationJobRow(JobId, MaterializationStatus.Running, null, Serialize(state), nowMs, null, nowMs),
            tasks.Select(t => t.View.Name).Distinct(StringComparer.Ordinal).ToList(), StaleAfter);
        if (claim.JobExists) throw MlopsException.Exists($"materialization job '{JobId}' already exists");
        if (!claim.Claimed)
            throw MlopsException.Precondition($"feature view '{claim.ConflictView}' is already being materialized by job '{claim.ConflictJob}'");

        _state = state;
        _status = MaterializationStatus.Running;
        _lastReport = state.Parts.Select(_ => now).ToArray();
        _lastHeartbeat = now;
        logger.LogInformation("Materialization {Job}: {Views} views in {Parts} partitions", JobId, tasks.Count, parts);
        if (tasks.TrueForAll(t => t.IsEmpty))
        {
            foreach (var part in state.Parts) part.Stopped = true;
            await FinishAsync();
            return Info();
        }
        StartTimer();
        try
        {
            await Task.WhenAll(Enumerable.Range(0, parts).Select(p => GrainFactory.GetGrain<IMaterializationWorkerGrain>(MaterializationJobs.WorkerKey(JobId, p))
                .Start(new MaterializationAssignment(JobId, p, parts, tasks))));
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Materialization {Job}: starting its workers failed", JobId);
            _failing = true;
            _error = $"starting the job's workers failed: {e.Message}";
            await CancelWorkersAsync();
            await FinishAsync(force: true);
        }
        return Info();
    }

    public async Task<MaterializationJobInfo> Get()
    {
        var state = Required();
        if (!IsFinal && _lastReport.Any(t => DateTime.UtcNow - t > LostAfter)) await CheckLostPartsAsync(state);
        return Info();
    }

    public async Task<MaterializationJobInfo> Cancel()
    {
        var state = Required();
        if (IsFinal) return Info();
        _cancelRequested = true;
        _error ??= "cancelled";
        await CancelWorkersAsync();
        await TryFinishAsync(state);
        try
        {
            await _final.Task.WaitAsync(CancelWait);
        }
        catch (TimeoutException)
        {
            logger.LogWarning("Materialization {Job}: workers did not stop within {Wait}; recording it cancelled anyway", JobId, CancelWait);
            await FinishAsync(force: true);
        }
        return Info();
    }

    public async Task<MaterializationJobInfo> Wait(TimeSpan timeout)
    {
        Required();
        if (!IsFinal)
        {
            var wait = timeout < TimeSpan.Zero ? TimeSpan.Zero : timeout > MaxWait ? MaxWait : timeout;
            await Task.WhenAny(_final.Task, Task.Delay(wait));
        }
        return Info();
    }

    public async Task<bool> Report(MaterializationPartReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (_state is null || IsFinal || report.Part < 0 || report.Part >= _state.Parts.Count) return false;
        var part = _state.Parts[report.Part];
        if (part.Stopped) return false;
        _lastReport[report.Part] = DateTime.UtcNow;
        if (report.RowsRead.Length == part.RowsRead.Length) part.RowsRead = report.RowsRead;
        if (report.RowsWritten.Length == part.RowsWritten.Length) part.RowsWritten = report.RowsWritten;
        if (!report.Finished) return !_cancelRequested && !_failing;
        part.Stopped = true;
        if (report.Error is { } error) Fail(report.Part, report.FailedView, error);
        await TryFinishAsync(_state);
        return false;
    }

    private void Fail(int part, int view, string error)
    {
        var state = _state!;
        state.Parts[part].Error = error;
        state.Parts[part].FailedView = view;
        if (_failing) return;
        _failing = true;
        _error = view >= 0 && view < state.Views.Count ? $"feature view '{state.Views[view].View}': {error}" : error;
        // The other partitions are stopped: a failed job is retried whole, and its lock should not outlive the failure.
        _ = CancelWorkersAsync();
    }

    private async Task CancelWorkersAsync()
    {
        var state = _state!;
        var stopped = await Task.WhenAll(state.Parts.Select(async (p, i) =>
        {
            if (p.Stopped) return false;
            try
            {
                return !await GrainFactory.GetGrain<IMaterializationWorkerGrain>(MaterializationJobs.WorkerKey(JobId, i)).Cancel();
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Materialization {Job}: cancelling partition {Part} failed", JobId, i);
                return false;
            }
        }));
        // A worker that runs nothing (a new activation after its silo left) will never report: count it as stopped.
        for (var i = 0; i < stopped.Length; i++) state.Parts[i].Stopped |= stopped[i];
    }

    private async Task CheckLostPartsAsync(MaterializationJobState state)
    {
        var now = DateTime.UtcNow;
        for (var i = 0; i < state.Parts.Count; i++)
        {
            if (state.Parts[i].Stopped || now - _lastReport[i] <= LostAfter) continue;
            bool running;
            try
            {
                running = await GrainFactory.GetGrain<IMaterializationWorkerGrain>(MaterializationJobs.WorkerKey(JobId, i)).IsRunning();
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Materialization {Job}: partition {Part} did not answer", JobId, i);
                continue;
            }
            if (running)
            {
                _lastReport[i] = DateTime.UtcNow;
                continue;
            }
            if (state.Parts[i].Stopped) continue;
            state.Parts[i].Stopped = true;
            Fail(i, -1, $"partition {i} stopped reporting and its worker is gone (its silo left?)");
        }
        await TryFinishAsync(state);
    }

    private async Task OnTimerAsync(CancellationToken ct)
    {
        var state = _state!;
        if (IsFinal)
        {
            _timer?.Dispose();
            return;
        }
        if (DateTime.UtcNow - _lastHeartbeat >= HeartbeatEvery)
        {
            _lastHeartbeat = DateTime.UtcNow;
            if (!await catalog.HeartbeatAsync(JobId, Serialize(state), ct))
            {
                // The catalog says the job is over (a later job took its views after a stale heartbeat): stop and adopt that.
                await CancelWorkersAsync();
                if (await catalog.GetJobAsync(JobId, ct) is { } row) Adopt(row);
                _final.TrySetResult();
                return;
            }
        }
        await CheckLostPartsAsync(state);
        if (_finishing) return;
        // A finish whose catalog write failed is retried here.
        await TryFinishAsync(state);
    }

    private Task TryFinishAsync(MaterializationJobState state) => state.AllStopped ? FinishAsync() : Task.CompletedTask;

    private async Task FinishAsync(bool force = false)
    {
        var state = _state!;
        if (_finishing || IsFinal) return;
        _finishing = true;
        try
        {
            if (force) foreach (var part in state.Parts) part.Stopped = true;
            var status = _failing ? MaterializationStatus.Failed : _cancelRequested ? MaterializationStatus.Cancelled : MaterializationStatus.Succeeded;
            var completed = status == MaterializationStatus.Succeeded
                ? state.Views.Where(v => !v.IsEmpty).Select(v => new MaterializedWindow(v.View, v.Version, v.End)).ToList()
                : [];
            var error = status == MaterializationStatus.Succeeded ? null : _error;
            if (await catalog.FinishAsync(JobId, status, error, Serialize(state), completed))
            {
                _status = status;
                _error = error;
                _finishedAt = DateTime.UtcNow;
            }
            else if (await catalog.GetJobAsync(JobId) is { } row)
            {
                Adopt(row);
            }
            logger.LogInformation("Materialization {Job}: {Status}", JobId, _status);
            _timer?.Dispose();
            _final.TrySetResult();
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Materialization {Job}: recording its outcome failed; retrying", JobId);
        }
        finally
        {
            _finishing = false;
        }
    }

    private void Adopt(MaterializationJobRow row)
    {
        _status = row.Status;
        _error = row.Error;
        _finishedAt = row.FinishedAt is { } f ? DateTimeOffset.FromUnixTimeMilliseconds(f).UtcDateTime : null;
        if (IsFinal) _final.TrySetResult();
    }

    private void StartTimer() =>
        _timer ??= this.RegisterGrainTimer(OnTimerAsync, new GrainTimerCreationOptions(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)) { KeepAlive = true });

    private async Task<int> PartitionsAsync()
    {
        var hosts = await GrainFactory.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        return Math.Clamp(hosts.Count * PartsPerSilo, 1, 64);
    }

    private MaterializationJobState Required()
    {
        if (_state is not null) return _state;
        DeactivateOnIdle();
        throw MlopsException.NotFound($"materialization job '{JobId}' does not exist");
    }

    private MaterializationJobInfo Info() => _state!.ToInfo(JobId, _status, _error, _finishedAt);

    private static string Serialize(MaterializationJobState state) => JsonSerializer.Serialize(state);

    private static bool SameRequest(MaterializationRequest a, MaterializationRequest b) =>
        a.Views.SequenceEqual(b.Views, StringComparer.Ordinal) && a.Start == b.Start && a.End == b.End && a.Incremental == b.Incremental;
}
