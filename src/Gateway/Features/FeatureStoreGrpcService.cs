using MlOps.Orleans.Gateway.Common;
using Grpc.Core;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Features;
using MlOps.Orleans.Contracts.Features.Materialization;
using MlOps.Orleans.Contracts.Features.Online;
using Wire = MlOps.Orleans.Protos.Features.V1;

namespace MlOps.Orleans.Gateway.Features;

/// <summary>The native feature store API: map the request, call the grain, map the reply.</summary>
internal sealed class FeatureStoreGrpcService(IClusterClient client, IOnlineFeatureReader reader) : Wire.FeatureStoreService.FeatureStoreServiceBase
{
    private const string Workspace = "default";

    private IFeatureQueryGrain Query => client.GetGrain<IFeatureQueryGrain>(0);

    private IOfflineFeatureGrain Offline => client.GetGrain<IOfflineFeatureGrain>(0);

    private IOnlineFeatureGrain Online => client.GetGrain<IOnlineFeatureGrain>(0);

    public override async Task<Wire.PlanResponse> Plan(Wire.PlanRequest request, ServerCallContext context) =>
        DefinitionMapper.ToProto(await client.GetGrain<IFeatureRegistryGrain>(Workspace).Plan(Files(request.Files)));

    public override async Task<Wire.PlanResponse> Apply(Wire.ApplyRequest request, ServerCallContext context)
    {
        if (request.ExpectedRevision < 0) throw MlopsException.Invalid("expected_revision", "expected_revision must not be negative");
        return DefinitionMapper.ToProto(await client.GetGrain<IFeatureRegistryGrain>(Workspace)
            .Apply(Files(request.Files), request.ExpectedRevision, UserOf(context)));
    }

    public override async Task<Wire.Definition> GetDefinition(Wire.GetDefinitionRequest request, ServerCallContext context)
    {
        if (request.Name.Length == 0) throw MlopsException.Invalid("name", "name is required");
        if (request.Version < 0) throw MlopsException.Invalid("version", "version must be positive (0 for the latest)");
        return DefinitionMapper.ToProto(await Query.GetDefinition(Kind(request.Kind, required: true)!.Value, request.Name,
            request.Version == 0 ? null : request.Version));
    }

    public override async Task<Wire.ListDefinitionsResponse> ListDefinitions(Wire.ListDefinitionsRequest request, ServerCallContext context)
    {
        var response = new Wire.ListDefinitionsResponse();
        response.Definitions.AddRange((await Query.ListDefinitions(Kind(request.Kind, required: false), request.IncludeRemoved)).Select(DefinitionMapper.ToProto));
        return response;
    }

    public override async Task<Wire.ListDefinitionsResponse> ListDefinitionVersions(Wire.ListDefinitionVersionsRequest request, ServerCallContext context)
    {
        if (request.Name.Length == 0) throw MlopsException.Invalid("name", "name is required");
        var response = new Wire.ListDefinitionsResponse();
        response.Definitions.AddRange((await Query.ListVersions(Kind(request.Kind, required: true)!.Value, request.Name)).Select(DefinitionMapper.ToProto));
        return response;
    }

    public override async Task<Wire.PushResponse> Push(Wire.PushRequest request, ServerCallContext context)
    {
        if (request.PushSource.Length == 0) throw MlopsException.Invalid("push_source", "push_source is required");
        var to = request.To switch
        {
            Wire.PushTarget.Unspecified or Wire.PushTarget.OnlineAndOffline => PushTarget.OnlineAndOffline,
            Wire.PushTarget.Online => PushTarget.Online,
            Wire.PushTarget.Offline => PushTarget.Offline,
            _ => throw MlopsException.Invalid("to", $"push target {(int)request.To} is not one of ONLINE, OFFLINE, ONLINE_AND_OFFLINE"),
        };
        if (request.Rows is null) throw MlopsException.Invalid("rows", "rows are required");
        var outcome = await Online.Push(request.PushSource, FrameMapper.FromProto(request.Rows, "rows"), to);
        var response = new Wire.PushResponse { Rows = outcome.Rows };
        response.Files.AddRange(outcome.Files);
        return response;
    }

    public override async Task<Wire.GetOnlineFeaturesResponse> GetOnlineFeatures(Wire.GetOnlineFeaturesRequest request, ServerCallContext context)
    {
        if (request.Entities is null) throw MlopsException.Invalid("entities", "entities are required");
        var command = new OnlineFeaturesRequest(request.Features, request.FeatureService, FrameMapper.FromProto(request.Entities, "entities"),
            request.RequestContext is null ? null : FrameMapper.FromProto(request.RequestContext, "request_context"), request.FullFeatureNames);
        return OnlineMapper.ToProto(await reader.GetOnlineFeatures(command));
    }

    public override async Task<Wire.WriteToOnlineStoreResponse> WriteToOnlineStore(Wire.WriteToOnlineStoreRequest request, ServerCallContext context)
    {
        if (request.FeatureView.Length == 0) throw MlopsException.Invalid("feature_view", "feature_view is required");
        if (request.Rows is null) throw MlopsException.Invalid("rows", "rows are required");
        return new Wire.WriteToOnlineStoreResponse { Rows = await Online.WriteToOnlineStore(request.FeatureView, FrameMapper.FromProto(request.Rows, "rows")) };
    }

    public override async Task<Wire.OnlineStoreStatus> GetOnlineStoreStatus(Wire.GetOnlineStoreStatusRequest request, ServerCallContext context)
    {
        var status = await Online.Status();
        return new Wire.OnlineStoreStatus { Reachable = status.Reachable, HasData = status.HasData, LiveViews = status.LiveViews, Detail = status.Detail };
    }

    public override async Task<Wire.TrainingDataset> GetHistoricalFeatures(Wire.GetHistoricalFeaturesRequest request, ServerCallContext context)
    {
        FeatureFrame? rows = null;
        var dataset = "";
        switch (request.EntitiesCase)
        {
            case Wire.GetHistoricalFeaturesRequest.EntitiesOneofCase.EntityRows:
                rows = FrameMapper.FromProto(request.EntityRows, "entity_rows");
                break;
            case Wire.GetHistoricalFeaturesRequest.EntitiesOneofCase.EntityDataset:
                dataset = request.EntityDataset;
                break;
            default:
                throw MlopsException.Invalid("entities", "give entity_rows or entity_dataset");
        }
        var command = new HistoricalFeaturesRequest(rows, dataset, request.EventTimestampColumn, request.Features.ToList(), request.FeatureService,
            request.FullFeatureNames, request.FilterByCreatedTimestamp, request.DatasetName);
        return DefinitionMapper.ToProto(await Offline.GetHistoricalFeatures(command, context.CancellationToken));
    }

    public override async Task<Wire.TrainingDataset> GetTrainingDataset(Wire.GetTrainingDatasetRequest request, ServerCallContext context)
    {
        if (request.Name.Length == 0) throw MlopsException.Invalid("name", "name is required");
        if (request.Version < 0) throw MlopsException.Invalid("version", "version must be positive (0 for the latest)");
        return DefinitionMapper.ToProto(await Query.GetTrainingDataset(request.Name, request.Version == 0 ? null : request.Version));
    }

    public override async Task<Wire.ListTrainingDatasetsResponse> ListTrainingDatasets(Wire.ListTrainingDatasetsRequest request, ServerCallContext context)
    {
        if (request.MaxResults < 0) throw MlopsException.Invalid("max_results", "max_results must not be negative");
        var response = new Wire.ListTrainingDatasetsResponse();
        response.Datasets.AddRange((await Query.ListTrainingDatasets(request.Name, request.MaxResults)).Select(DefinitionMapper.ToProto));
        return response;
    }

    public override async Task<Wire.LogTrainingDatasetResponse> LogTrainingDataset(Wire.LogTrainingDatasetRequest request, ServerCallContext context)
    {
        if (request.RunId.Length == 0) throw MlopsException.Invalid("run_id", "run_id is required");
        if (request.Name.Length == 0) throw MlopsException.Invalid("name", "name is required");
        if (request.Version < 0) throw MlopsException.Invalid("version", "version must be positive (0 for the latest)");
        await Offline.LogTrainingDataset(request.RunId, request.Name, request.Version == 0 ? null : request.Version, request.Context);
        return new();
    }

    public override async Task<Wire.MaterializationJob> Materialize(Wire.MaterializeRequest request, ServerCallContext context)
    {
        var job = client.GetGrain<IMaterializationJobGrain>(Ids.NewMaterializationJobId());
        var started = await job.Start(MaterializationMapper.FromProto(request));
        return MaterializationMapper.ToProto(request.Wait && !started.IsFinal ? await job.Wait(TimeSpan.FromMinutes(10)) : started);
    }

    public override async Task<Wire.MaterializationJob> GetMaterializationJob(Wire.GetMaterializationJobRequest request, ServerCallContext context) =>
        MaterializationMapper.ToProto(await Job(request.JobId).Get());

    public override async Task<Wire.MaterializationJob> CancelMaterializationJob(Wire.GetMaterializationJobRequest request, ServerCallContext context) =>
        MaterializationMapper.ToProto(await Job(request.JobId).Cancel());

    public override async Task<Wire.ListMaterializationJobsResponse> ListMaterializationJobs(Wire.ListMaterializationJobsRequest request, ServerCallContext context)
    {
        if (request.MaxResults < 0) throw MlopsException.Invalid("max_results", "max_results must not be negative");
        var response = new Wire.ListMaterializationJobsResponse();
        response.Jobs.AddRange((await client.GetGrain<IMaterializationJobsGrain>(0).List(request.MaxResults == 0 ? 100 : request.MaxResults))
            .Select(MaterializationMapper.ToProto));
        return response;
    }

    private IMaterializationJobGrain Job(string id) => id.Length is > 0 and <= 64 && id.All(char.IsAsciiLetterOrDigit)
        ? client.GetGrain<IMaterializationJobGrain>(id)
        : throw MlopsException.Invalid("job_id", "job_id must be the id a Materialize call returned");

    private static List<RepositoryFile> Files(IEnumerable<Wire.RepositoryFile> files)
    {
        var result = files.Select(f => new RepositoryFile(f.Path, f.Content)).ToList();
        if (result.Count == 0) throw MlopsException.Invalid("files", "a repository needs at least one file");
        return result;
    }

    private static DefinitionKind? Kind(Wire.DefinitionKind kind, bool required)
    {
        if (kind == Wire.DefinitionKind.Unspecified)
        {
            return required ? throw MlopsException.Invalid("kind", "kind is required (ENTITY, DATA_SOURCE, FEATURE_VIEW, ON_DEMAND_FEATURE_VIEW, FEATURE_SERVICE)") : null;
        }
        return Enum.IsDefined((DefinitionKind)(int)kind) ? (DefinitionKind)(int)kind : throw MlopsException.Invalid("kind", $"unknown kind {(int)kind}");
    }

    private static string UserOf(ServerCallContext context) =>
        context.GetHttpContext().User.Identity?.Name ?? context.RequestHeaders.GetValue("x-mlops-user") ?? "";
}
