using MlOps.Orleans.Gateway.Common;
using Grpc.Core;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Tracking;
using Wire = MlOps.Orleans.Protos.Tracking.V1;

namespace MlOps.Orleans.Gateway.Tracking;

/// <summary>The native tracking API: map the request, call one grain, map the reply.</summary>
internal sealed class TrackingGrpcService(IGrainFactory grains, MetricSubscriptions subscriptions) : Wire.TrackingService.TrackingServiceBase
{
    public override async Task<Wire.Experiment> CreateExperiment(Wire.CreateExperimentRequest request, ServerCallContext context)
    {
        var command = new CreateExperiment(request.Name, request.ArtifactLocation, TrackingMapper.Tags(request.Tags, "tags"));
        TrackingValidation.ExperimentName(command.Name);
        return TrackingMapper.ToProto(await Ids.CreateExperimentAsync(grains, command));
    }

    public override async Task<Wire.Experiment> GetExperiment(Wire.GetExperimentRequest request, ServerCallContext context) =>
        TrackingMapper.ToProto(await Experiment(request.ExperimentId).Get());

    public override async Task<Wire.Experiment> GetExperimentByName(Wire.GetExperimentByNameRequest request, ServerCallContext context)
    {
        TrackingValidation.ExperimentName(request.Name);
        var id = await Query.FindExperimentId(request.Name) ?? throw MlopsException.NotFound($"no experiment is named '{request.Name}'");
        return TrackingMapper.ToProto(await grains.GetGrain<IExperimentGrain>(id).Get());
    }

    public override async Task<Wire.Experiment> RenameExperiment(Wire.RenameExperimentRequest request, ServerCallContext context) =>
        TrackingMapper.ToProto(await Experiment(request.ExperimentId).Rename(request.NewName));

    public override async Task<Wire.Experiment> SetExperimentTag(Wire.SetExperimentTagRequest request, ServerCallContext context) =>
        TrackingMapper.ToProto(await Experiment(request.ExperimentId).SetTag(request.Key, request.Value));

    public override async Task<Wire.Experiment> DeleteExperimentTag(Wire.DeleteExperimentTagRequest request, ServerCallContext context) =>
        TrackingMapper.ToProto(await Experiment(request.ExperimentId).DeleteTag(request.Key));

    public override async Task<Wire.Experiment> DeleteExperiment(Wire.DeleteExperimentRequest request, ServerCallContext context) =>
        TrackingMapper.ToProto(await Experiment(request.ExperimentId).Delete());

    public override async Task<Wire.Experiment> RestoreExperiment(Wire.RestoreExperimentRequest request, ServerCallContext context) =>
        TrackingMapper.ToProto(await Experiment(request.ExperimentId).Restore());

    public override async Task<Wire.SearchExperimentsResponse> SearchExperiments(Wire.SearchExperimentsRequest request, ServerCallContext context)
    {
        var page = await Query.SearchExperiments(new SearchExperimentsQuery(request.Filter, request.OrderBy.ToList(), request.PageSize,
            request.PageToken, TrackingMapper.FromProto(request.ViewType)));
        var response = new Wire.SearchExperimentsResponse { NextPageToken = page.NextPageToken ?? "" };
        response.Experiments.AddRange(page.Experiments.Select(TrackingMapper.ToProto));
        return response;
    }

    public override async Task<Wire.Run> CreateRun(Wire.CreateRunRequest request, ServerCallContext context)
    {
        TrackingValidation.ExperimentId(request.ExperimentId);
        var tags = TrackingMapper.Tags(request.Tags, "tags");
        if (request.CodeVersion is { } code)
        {
            if (code.SourceName.Length > 0) tags[TrackingMapper.SourceNameTag] = code.SourceName;
            if (code.SourceType.Length > 0) tags[TrackingMapper.SourceTypeTag] = code.SourceType;
            if (code.GitCommit.Length > 0) tags[TrackingMapper.GitCommitTag] = code.GitCommit;
            if (code.GitRepoUrl.Length > 0) tags[TrackingMapper.GitRepoTag] = code.GitRepoUrl;
        }
        var runId = Ids.NewRunId();
        var snapshot = await grains.GetGrain<IRunGrain>(runId).Create(new CreateRun(request.ExperimentId, request.RunName, tags,
            request.StartTime == 0 ? null : request.StartTime, request.UserId, request.ParentRunId));
        return TrackingMapper.ToProto(snapshot);
    }

    public override async Task<Wire.Run> GetRun(Wire.GetRunRequest request, ServerCallContext context) =>
        TrackingMapper.ToProto(await Run(request.RunId).Get());

    public override async Task<Wire.RunInfo> UpdateRun(Wire.UpdateRunRequest request, ServerCallContext context)
    {
        var grain = Run(request.RunId);
        var info = await grain.Update(new UpdateRun(TrackingMapper.FromProto(request.Status), request.HasEndTime ? request.EndTime : null,
            request.HasRunName ? request.RunName : null));
        return TrackingMapper.ToProto(info, (await grain.Get()).Tags);
    }

    public override async Task<Wire.RunInfo> DeleteRun(Wire.DeleteRunRequest request, ServerCallContext context)
    {
        var grain = Run(request.RunId);
        return TrackingMapper.ToProto(await grain.Delete(), (await grain.Get()).Tags);
    }

    public override async Task<Wire.RunInfo> RestoreRun(Wire.RestoreRunRequest request, ServerCallContext context)
    {
        var grain = Run(request.RunId);
        return TrackingMapper.ToProto(await grain.Restore(), (await grain.Get()).Tags);
    }

    public override async Task<Wire.SetRunTagResponse> SetRunTag(Wire.SetRunTagRequest request, ServerCallContext context)
    {
        await Run(request.RunId).SetTag(request.Key, request.Value);
        return new Wire.SetRunTagResponse();
    }

    public override async Task<Wire.DeleteRunTagResponse> DeleteRunTag(Wire.DeleteRunTagRequest request, ServerCallContext context)
    {
        await Run(request.RunId).DeleteTag(request.Key);
        return new Wire.DeleteRunTagResponse();
    }

    public override async Task<Wire.LogParamsResponse> LogParams(Wire.LogParamsRequest request, ServerCallContext context)
    {
        await Run(request.RunId).LogBatch(new LogBatch([], TrackingMapper.Pairs(request.Params.Select(p => (p.Key, p.Value))), []));
        return new Wire.LogParamsResponse();
    }

    public override async Task<Wire.LogMetricResponse> LogMetric(Wire.LogMetricRequest request, ServerCallContext context) =>
        new() { Sequence = await Run(request.RunId).LogMetric(TrackingMapper.FromProto(request.Metric, "metric")) };

    public override async Task<Wire.LogBatchResponse> LogBatch(Wire.LogBatchRequest request, ServerCallContext context)
    {
        var result = await Run(request.RunId).LogBatch(new LogBatch(TrackingMapper.FromProto(request.Metrics),
            TrackingMapper.Pairs(request.Params.Select(p => (p.Key, p.Value))), TrackingMapper.Pairs(request.Tags.Select(t => (t.Key, t.Value)))));
        return new Wire.LogBatchResponse { LastSequence = result.LastSequence };
    }

    public override async Task<Wire.LogInputsResponse> LogInputs(Wire.LogInputsRequest request, ServerCallContext context)
    {
        await Run(request.RunId).LogInputs(request.Datasets.Select(TrackingMapper.FromProto).ToList());
        return new Wire.LogInputsResponse();
    }

    public override async Task IngestMetrics(IAsyncStreamReader<Wire.IngestMetricsRequest> requestStream,
        IServerStreamWriter<Wire.IngestMetricsAck> responseStream, ServerCallContext context)
    {
        await foreach (var request in requestStream.ReadAllAsync(context.CancellationToken))
        {
            var durable = await Run(request.RunId).Ingest(new IngestBatch(request.WriterId, request.BatchSequence, TrackingMapper.FromProto(request.Metrics)));
            await responseStream.WriteAsync(new Wire.IngestMetricsAck { RunId = request.RunId, WriterId = request.WriterId, DurableSequence = durable });
        }
    }

    public override async Task<Wire.GetMetricHistoryResponse> GetMetricHistory(Wire.GetMetricHistoryRequest request, ServerCallContext context)
    {
        var page = await Run(request.RunId).GetMetricHistory(new MetricHistoryQuery(request.MetricKey,
            request.HasStartStep ? request.StartStep : null, request.HasEndStep ? request.EndStep : null,
            request.PageSize, request.PageToken, request.MaxPoints));
        var response = new Wire.GetMetricHistoryResponse { NextPageToken = page.NextPageToken ?? "" };
        response.Metrics.AddRange(page.Points.Select(TrackingMapper.ToProto));
        return response;
    }

    public override async Task<Wire.SearchRunsResponse> SearchRuns(Wire.SearchRunsRequest request, ServerCallContext context)
    {
        var page = await Query.SearchRuns(new SearchRunsQuery(request.ExperimentIds.ToList(), request.Filter,
            TrackingMapper.FromProto(request.RunViewType), request.MaxResults, request.OrderBy.ToList(), request.PageToken));
        var response = new Wire.SearchRunsResponse { NextPageToken = page.NextPageToken ?? "" };
        response.Runs.AddRange(page.Runs.Select(TrackingMapper.ToProto));
        return response;
    }

    public override Task SubscribeRunMetrics(Wire.SubscribeRunMetricsRequest request, IServerStreamWriter<Wire.MetricEvent> responseStream,
        ServerCallContext context)
    {
        TrackingValidation.RunId(request.RunId);
        if (request.AfterSequence < 0) throw MlopsException.Invalid("after_sequence", "after_sequence must not be negative");
        return subscriptions.StreamAsync(request, responseStream, context.CancellationToken);
    }

    public override Task SubscribeRunStatus(Wire.SubscribeRunStatusRequest request, IServerStreamWriter<Wire.RunStatusEvent> responseStream,
        ServerCallContext context)
    {
        TrackingValidation.ExperimentId(request.ExperimentId);
        return subscriptions.StreamStatusAsync(request.ExperimentId, responseStream, context.CancellationToken);
    }

    private ITrackingQueryGrain Query => grains.GetGrain<ITrackingQueryGrain>(0);

    private IExperimentGrain Experiment(string id)
    {
        TrackingValidation.ExperimentId(id);
        return grains.GetGrain<IExperimentGrain>(id);
    }

    private IRunGrain Run(string id)
    {
        TrackingValidation.RunId(id);
        return grains.GetGrain<IRunGrain>(id);
    }
}
