using Microsoft.Extensions.Logging;
using MlOps.Orleans.Artifacts;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Features.Offline;
using MlOps.Orleans.Features.Online.Retrieval;
using Orleans.Placement;
using MlOps.Orleans.Contracts.Features.Materialization;
using MlOps.Orleans.Features.Materialization;

namespace MlOps.Orleans.Grains.Features.Materialization;

/// <summary>
/// Runs one partition of a job in the background of its activation (off the grain scheduler: DuckDB blocks), reporting
/// cumulative progress to the job grain every second. The report timer keeps the activation alive while it runs; once done it
/// sends a final report and lets itself be collected. Randomly placed, so a job's partitions spread over the silos.
/// </summary>
[RandomPlacement]
public sealed class MaterializationWorkerGrain(
    IArtifactStore artifacts, OfflineStoreOptions offline, OnlineServingOptions serving, ILogger<MaterializationWorkerGrain> logger)
    : Grain, IMaterializationWorkerGrain, IDisposable
{
    private static readonly TimeSpan ReportEvery = TimeSpan.FromSeconds(1);

    private MaterializationAssignment? _assignment;
    private readonly CancellationTokenSource _cancel = new();
    private Task _run = Task.CompletedTask;
    private long[] _read = [];
    private long[] _written = [];
    private int _failedView = -1;
    private string? _error;
    private bool _finalSent;
    private IGrainTimer? _timer;

    public Task Start(MaterializationAssignment assignment)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        if (_assignment is not null) return Task.CompletedTask;
        _assignment = assignment;
        _read = new long[assignment.Views.Count];
        _written = new long[assignment.Views.Count];
        var pipeline = new MaterializationPipeline(GrainFactory, new MaterializationReader(artifacts, offline), serving.ShardCount);
        var token = _cancel.Token;
        _run = Task.Run(() => RunAsync(assignment, pipeline, token), CancellationToken.None);
        _timer = this.RegisterGrainTimer(ReportProgressAsync, new GrainTimerCreationOptions(ReportEvery, ReportEvery) { KeepAlive = true });
        _ = FinishAsync(assignment);
        return Task.CompletedTask;
    }

    public async Task<bool> Cancel()
    {
        if (_assignment is null || _finalSent) return false;
        await _cancel.CancelAsync();
        return true;
    }

    public Task<bool> IsRunning() => Task.FromResult(_assignment is not null && !_finalSent);

    private async Task RunAsync(MaterializationAssignment assignment, MaterializationPipeline pipeline, CancellationToken ct)
    {
        for (var i = 0; i < assignment.Views.Count; i++)
        {
            var task = assignment.Views[i];
            if (task.IsEmpty) continue;
            try
            {
                // Runs on the thread pool (Task.Run), not on the activation: no grain context to return to.
                await pipeline.RunAsync(task, assignment.Part, assignment.Parts, i, _read, _written, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                _failedView = i;
                _error = e is MlopsException ? e.Message : $"{e.GetType().Name}: {e.Message}";
                logger.LogWarning(e, "Materialization {Job} partition {Part}: feature view {View} failed", assignment.JobId, assignment.Part, task.View.Name);
                return;
            }
        }
    }

    /// <summary>Runs on the activation: waits for the work, then reports the outcome (retrying: the job grain may be moving).</summary>
    private async Task FinishAsync(MaterializationAssignment assignment)
    {
        await _run.ConfigureAwait(ConfigureAwaitOptions.ContinueOnCapturedContext | ConfigureAwaitOptions.SuppressThrowing);
        _timer?.Dispose();
        var job = GrainFactory.GetGrain<IMaterializationJobGrain>(assignment.JobId);
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            try
            {
                await job.Report(Snapshot(finished: true));
                break;
            }
            catch (Exception e) when (e is not MlopsException)
            {
                logger.LogWarning(e, "Materialization {Job} partition {Part}: final report failed (attempt {Attempt})", assignment.JobId, assignment.Part, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt));
            }
        }
        _finalSent = true;
        DeactivateOnIdle();
    }

    private async Task ReportProgressAsync(CancellationToken ct)
    {
        if (_assignment is null || _run.IsCompleted) return;
        try
        {
            var keepGoing = await GrainFactory.GetGrain<IMaterializationJobGrain>(_assignment.JobId).Report(Snapshot(finished: false));
            if (!keepGoing) await _cancel.CancelAsync();
        }
        catch (Exception e)
        {
            // Progress is cumulative: the next report carries what this one would have.
            logger.LogDebug(e, "Materialization {Job} partition {Part}: progress report failed", _assignment.JobId, _assignment.Part);
        }
    }

    private MaterializationPartReport Snapshot(bool finished) => new(_assignment!.Part,
        _read.Select((_, i) => Interlocked.Read(ref _read[i])).ToArray(),
        _written.Select((_, i) => Interlocked.Read(ref _written[i])).ToArray(),
        finished, _failedView, finished ? _error : null);

    public void Dispose() => _cancel.Dispose();
}
