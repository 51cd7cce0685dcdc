using Grpc.Core;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Gateway.Common;
using MlOps.Orleans.Gateway.Tracking;
using MlOps.Orleans.Contracts.Registry;
using MlOps.Orleans.Contracts.Tracking;
using Wire = MlOps.Orleans.Protos.Registry.V1;

namespace MlOps.Orleans.Gateway.Registry;

/// <summary>The native registry API: map the request, resolve the model by name, call its grain, map the reply.</summary>
internal sealed class RegistryGrpcService(ModelDirectory models, IClusterClient client) : Wire.RegistryService.RegistryServiceBase
{
    public override async Task<Wire.RegisteredModel> CreateRegisteredModel(Wire.CreateRegisteredModelRequest request, ServerCallContext context)
    {
        RegistryValidation.ModelName(request.Name);
        return RegistryMapper.ToProto(await models.Create(new CreateRegisteredModel(request.Name, request.Description, RegistryMapper.Tags(request.Tags, "tags"), request.UserId)));
    }

    public override async Task<Wire.RegisteredModel> GetRegisteredModel(Wire.GetRegisteredModelRequest request, ServerCallContext context) =>
        RegistryMapper.ToProto(await (await models.ByName(request.Name)).Get());

    public override async Task<Wire.RegisteredModel> RenameRegisteredModel(Wire.RenameRegisteredModelRequest request, ServerCallContext context) =>
        RegistryMapper.ToProto(await (await models.ByName(request.Name)).Rename(request.NewName));

    public override async Task<Wire.RegisteredModel> UpdateRegisteredModel(Wire.UpdateRegisteredModelRequest request, ServerCallContext context) =>
        RegistryMapper.ToProto(await (await models.ByName(request.Name)).UpdateDescription(request.Description));

    public override async Task<Wire.DeleteRegisteredModelResponse> DeleteRegisteredModel(Wire.DeleteRegisteredModelRequest request, ServerCallContext context)
    {
        await (await models.ByName(request.Name)).Delete();
        return new();
    }

    public override async Task<Wire.SetRegisteredModelTagResponse> SetRegisteredModelTag(Wire.SetRegisteredModelTagRequest request, ServerCallContext context)
    {
        await (await models.ByName(request.Name)).SetTag(request.Key, request.Value);
        return new();
    }

    public override async Task<Wire.DeleteRegisteredModelTagResponse> DeleteRegisteredModelTag(Wire.DeleteRegisteredModelTagRequest request, ServerCallContext context)
    {
        await (await models.ByName(request.Name)).DeleteTag(request.Key);
        return new();
    }

    public override async Task<Wire.SearchRegisteredModelsResponse> SearchRegisteredModels(Wire.SearchRegisteredModelsRequest request, ServerCallContext context)
    {
        var page = await models.Query.SearchModels(new SearchModelsQuery(request.Filter, request.OrderBy.ToList(), request.MaxResults, request.PageToken));
        var response = new Wire.SearchRegisteredModelsResponse { NextPageToken = page.NextPageToken ?? "" };
        response.RegisteredModels.AddRange(page.Models.Select(RegistryMapper.ToProto));
        return response;
    }

    public override async Task<Wire.GetLatestVersionsResponse> GetLatestVersions(Wire.GetLatestVersionsRequest request, ServerCallContext context)
    {
        var versions = await (await models.ByName(request.Name)).GetLatestVersions(request.Stages.Select(RegistryMapper.Stage).ToList());
        var response = new Wire.GetLatestVersionsResponse();
        response.ModelVersions.AddRange(versions.Select(RegistryMapper.ToProto));
        return response;
    }

    public override async Task<Wire.ModelVersion> CreateModelVersion(Wire.CreateModelVersionRequest request, ServerCallContext context) =>
        RegistryMapper.ToProto(await (await models.ByName(request.Name)).CreateVersion(new CreateModelVersion(request.Source, request.RunId,
            request.Description, RegistryMapper.Tags(request.Tags, "tags"), request.RunLink, request.UserId)));

    public override async Task<Wire.ModelVersion> GetModelVersion(Wire.GetModelVersionRequest request, ServerCallContext context) =>
        RegistryMapper.ToProto(await models.Version(request.Name, request.Version, request.ModelUri));

    public override async Task<Wire.ModelVersion> UpdateModelVersion(Wire.UpdateModelVersionRequest request, ServerCallContext context) =>
        RegistryMapper.ToProto(await (await models.ByName(request.Name)).UpdateVersion(request.Version, request.Description));

    public override async Task<Wire.DeleteModelVersionResponse> DeleteModelVersion(Wire.DeleteModelVersionRequest request, ServerCallContext context)
    {
        await (await models.ByName(request.Name)).DeleteVersion(request.Version);
        return new();
    }

    public override async Task<Wire.SetModelVersionTagResponse> SetModelVersionTag(Wire.SetModelVersionTagRequest request, ServerCallContext context)
    {
        await (await models.ByName(request.Name)).SetVersionTag(request.Version, request.Key, request.Value);
        return new();
    }

    public override async Task<Wire.DeleteModelVersionTagResponse> DeleteModelVersionTag(Wire.DeleteModelVersionTagRequest request, ServerCallContext context)
    {
        await (await models.ByName(request.Name)).DeleteVersionTag(request.Version, request.Key);
        return new();
    }

    public override async Task<Wire.ModelVersion> TransitionModelVersionStage(Wire.TransitionModelVersionStageRequest request, ServerCallContext context) =>
        RegistryMapper.ToProto(await (await models.ByName(request.Name)).TransitionStage(request.Version, RegistryMapper.Stage(request.Stage), request.ArchiveExistingVersions));

    public override async Task<Wire.SearchModelVersionsResponse> SearchModelVersions(Wire.SearchModelVersionsRequest request, ServerCallContext context)
    {
        var page = await models.Query.SearchVersions(new SearchVersionsQuery(request.Filter, request.OrderBy.ToList(), request.MaxResults, request.PageToken));
        var response = new Wire.SearchModelVersionsResponse { NextPageToken = page.NextPageToken ?? "" };
        response.ModelVersions.AddRange(page.Versions.Select(RegistryMapper.ToProto));
        return response;
    }

    public override async Task<Wire.GetModelVersionDownloadUriResponse> GetModelVersionDownloadUri(Wire.GetModelVersionRequest request, ServerCallContext context)
    {
        var version = await models.Version(request.Name, request.Version, request.ModelUri);
        if (!version.IsCopied)
            throw MlopsException.Precondition($"version {version.Version} of '{version.ModelName}' records '{version.Source}' as given: nothing was copied into the store, so it has no download location here");
        return new() { ArtifactUri = $"mlflow-artifacts:/{version.StorageLocation}" };
    }

    public override async Task<Wire.SetAliasResponse> SetAlias(Wire.SetAliasRequest request, ServerCallContext context)
    {
        await (await models.ByName(request.Name)).SetAlias(request.Alias, request.Version);
        return new();
    }

    public override async Task<Wire.DeleteAliasResponse> DeleteAlias(Wire.DeleteAliasRequest request, ServerCallContext context)
    {
        await (await models.ByName(request.Name)).DeleteAlias(request.Alias);
        return new();
    }

    public override async Task<Wire.ModelVersion> GetModelVersionByAlias(Wire.GetModelVersionByAliasRequest request, ServerCallContext context) =>
        RegistryMapper.ToProto(await (await models.ByName(request.Name)).ResolveAlias(request.Alias));

    public override async Task<Wire.PromotionRecord> Promote(Wire.PromoteRequest request, ServerCallContext context) =>
        RegistryMapper.ToProto(await (await models.ByName(request.Name)).Promote(new PromotionRequest(request.CandidateVersion, request.Alias,
            request.Metric, request.HigherIsBetter, request.MinimumGain, request.EvaluationRunId, request.Force, request.Reason, request.UserId)));

    public override async Task<Wire.ListPromotionsResponse> ListPromotions(Wire.ListPromotionsRequest request, ServerCallContext context)
    {
        var response = new Wire.ListPromotionsResponse();
        response.Promotions.AddRange((await (await models.ByName(request.Name)).ListPromotions()).Select(RegistryMapper.ToProto));
        return response;
    }

    public override async Task<Wire.ModelVersionLineage> GetModelVersionLineage(Wire.GetModelVersionRequest request, ServerCallContext context)
    {
        var version = await models.Version(request.Name, request.Version, request.ModelUri);
        var lineage = await (await models.ByName(version.ModelName)).GetLineage(version.Version);
        var result = new Wire.ModelVersionLineage { Version = RegistryMapper.ToProto(lineage.Version) };
        if (lineage.Run is { } run) result.Run = TrackingMapper.ToProto(run);
        if (lineage.Experiment is { } e) result.Experiment = TrackingMapper.ToProto(e);
        if (lineage.SourceVersion is { } s) result.SourceVersion = RegistryMapper.ToProto(s);
        if (lineage.LoggedModel is { } logged) result.LoggedModel = TrackingMapper.ToProto(logged);
        result.RunUnresolved = lineage.RunUnresolved;
        return result;
    }

    public override async Task<Wire.GetRunModelVersionsResponse> GetRunModelVersions(Wire.GetRunModelVersionsRequest request, ServerCallContext context)
    {
        TrackingValidation.RunId(request.RunId);
        var response = new Wire.GetRunModelVersionsResponse();
        response.ModelVersions.AddRange((await models.Query.VersionsForRun(request.RunId)).Select(RegistryMapper.ToProto));
        return response;
    }

    public override async Task SubscribeModelEvents(Wire.SubscribeModelEventsRequest request, IServerStreamWriter<Wire.ModelEvent> responseStream, ServerCallContext context)
    {
        var model = await (await models.ByName(request.Name)).Get();
        await using var live = await LiveStream<ModelEvent>.OpenAsync(client, StreamNames.ModelEvents, model.ModelId);
        await foreach (var e in live.Reader.ReadAllAsync(context.CancellationToken))
        {
            await responseStream.WriteAsync(new Wire.ModelEvent
            {
                Name = e.ModelName, Kind = e.Kind, Version = e.Version ?? 0, Alias = e.Alias ?? "", Stage = (Wire.Stage)(int)(e.Stage ?? ModelStage.None),
                Status = (Wire.ModelVersionStatus)(int)(e.Status ?? 0), Timestamp = e.Timestamp,
            }, context.CancellationToken);
        }
    }
}
