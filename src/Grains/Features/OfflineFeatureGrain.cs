using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using System.Text.Json;
using MlOps.Orleans.Artifacts;
using MlOps.Orleans.Catalog.Features;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Features.Offline;
using MlOps.Orleans.Features.Push;
using MlOps.Orleans.Features.Retrieval;
using MlOps.Orleans.Features.Transforms;
using MlOps.Orleans.Contracts.Tracking;
using Orleans.Concurrency;
using MlOps.Orleans.Contracts.Features;

namespace MlOps.Orleans.Grains.Features;

/// <summary>
/// Offline pushes and training sets on the silo that took the call. Training sets are content-addressed: the Parquet file is
/// stored under its SHA-256, so the same request over the same data finds the existing version instead of adding one.
/// </summary>
[StatelessWorker]
public sealed class OfflineFeatureGrain(
    IFeatureCatalog catalog, OfflineStore offline, IArtifactStore artifacts, OfflineStoreOptions options, ILogger<OfflineFeatureGrain> logger)
    : Grain, IOfflineFeatureGrain
{
    public async Task<PushOutcome> PushOffline(string pushSource, FeatureFrame rows)
    {
        var definitions = new DefinitionLookup(catalog, GrainFactory);
        var source = await definitions.LiveAsync<DataSourceSpec>(DefinitionKind.DataSource, pushSource)
                     ?? throw MlopsException.NotFound($"push source '{pushSource}' does not exist");
        if (!source.IsPush) throw MlopsException.Precondition($"source '{pushSource}' is a batch source; only push sources take pushes");
        var validated = PushFrameValidator.Validate(source, await RequiredKeysAsync(pushSource), rows);
        var result = await offline.AppendPushedRowsAsync(source, validated, CancellationToken.None);
        return new PushOutcome(rows.RowCount, result.Files);
    }

    /// <summary>The join keys of every live view fed by the source: a pushed row without them could never be joined.</summary>
    private async Task<IReadOnlyCollection<string>> RequiredKeysAsync(string source)
    {
        var all = await catalog.LatestDefinitionsAsync(false);
        var specs = all.Select(FeatureQueryGrain.Decode).ToList();
        var entities = specs.Select(s => s.Spec).OfType<EntitySpec>().ToDictionary(e => e.Name, StringComparer.Ordinal);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var view in specs.Select(s => s.Spec).OfType<FeatureViewSpec>().Where(v => v.Source == source || v.Sources.Contains(source)))
        {
            foreach (var e in view.Entities)
            {
                if (entities.TryGetValue(e, out var entity)) keys.UnionWith(entity.JoinKeys.Select(k => k.Name));
            }
        }
        return keys;
    }

    public async Task<TrainingDatasetInfo> GetHistoricalFeatures(HistoricalFeaturesRequest request, CancellationToken cancellation)
    {
        request = HistoricalRequestValidation.Normalize(request);
        var definitions = new DefinitionLookup(catalog, GrainFactory);
        var resolved = await new FeatureRequestResolver(definitions.FindAsync).ResolveAsync(request.Features, request.FeatureService, request.FullFeatureNames);
        var job = await BuildJobAsync(request, resolved, definitions);

        Directory.CreateDirectory(options.TempDirectory);
        var output = Path.Combine(options.TempDirectory, $"training-{Guid.NewGuid():N}.parquet");
        try
        {
            var started = DateTimeOffset.UtcNow;
            var result = await offline.GetHistoricalFeaturesAsync(job, output, cancellation);
            var digest = await Sha256Async(output, cancellation);
            var key = $"feature-store/training-sets/{request.DatasetName}/{digest}.parquet";
            var size = new FileInfo(output).Length;
            if (!await artifacts.ExistsAsync(key, cancellation))
            {
                await using var file = File.OpenRead(output);
                await artifacts.WriteAsync(key, file, new ExpectedContent(size, digest), cancellation);
            }
            var info = await catalog.AddTrainingDatasetAsync(new TrainingDatasetInfo(request.DatasetName, 0, key, digest, result.RowCount, size,
                result.Schema, resolved.Lineage, RequestJson(request), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()), CancellationToken.None);
            logger.LogInformation("Training set {Name} v{Version}: {Rows} rows, {Bytes} bytes in {Elapsed} ms", info.Name, info.Version, info.RowCount,
                info.SizeBytes, (DateTimeOffset.UtcNow - started).TotalMilliseconds);
            return info;
        }
        finally
        {
            File.Delete(output);
        }
    }

    private static async Task<RetrievalJob> BuildJobAsync(HistoricalFeaturesRequest request, ResolvedRequest resolved, DefinitionLookup definitions)
    {
        var sources = new Dictionary<string, DataSourceSpec>(StringComparer.Ordinal);
        var entities = new Dictionary<string, EntitySpec>(StringComparer.Ordinal);
        var inputTypes = new Dictionary<string, FeatureValueType>(StringComparer.Ordinal);
        foreach (var view in resolved.Views)
        {
            foreach (var name in view.Spec.Sources.Append(view.Spec.Source).Where(s => s.Length > 0).Distinct())
            {
                sources[name] = await definitions.LiveAsync<DataSourceSpec>(DefinitionKind.DataSource, name)
                                ?? throw MlopsException.Precondition($"feature view '{view.Spec.Name}' version {view.Version} reads source '{name}', which no longer exists");
            }
            foreach (var name in view.Spec.Entities)
            {
                entities[name] = await definitions.LiveAsync<EntitySpec>(DefinitionKind.Entity, name)
                                 ?? throw MlopsException.Precondition($"feature view '{view.Spec.Name}' version {view.Version} uses entity '{name}', which no longer exists");
            }
            foreach (var f in view.Spec.Schema) inputTypes[$"{view.Spec.Name}__{f.Name}"] = f.Type;
        }
        var onDemand = new List<OnDemandSelection>();
        foreach (var od in resolved.OnDemand)
        {
            var types = new Dictionary<string, FeatureValueType>(inputTypes, StringComparer.Ordinal);
            foreach (var f in od.Spec.RequestSchema) types[f.Name] = f.Type;
            if (request.EntityRows is { } rows)
            {
                foreach (var f in od.Spec.RequestSchema.Where(f => rows.Columns.All(c => c.Name != f.Name)))
                {
                    throw MlopsException.Invalid("entity_rows", $"on-demand view '{od.Spec.Name}' needs request field '{f.Name}' as an entity column");
                }
            }
            onDemand.Add(new OnDemandSelection(CompiledOnDemandView.Compile(od.Spec, types),
                od.Outputs.Select(o => new SelectedFeature(o.Name, o.OutputName)).ToList()));
        }
        var views = resolved.Views.Select(v => new ViewSelection(v.Spec, v.Version, v.Features.Select(f => new SelectedFeature(f.Name, f.OutputName)).ToList())).ToList();
        if (request.EntityRows is { } entityRows)
        {
            var clash = views.SelectMany(v => v.Features).Select(f => f.OutputName).Concat(onDemand.SelectMany(o => o.Outputs).Select(o => o.OutputName))
                .FirstOrDefault(name => entityRows.Columns.Any(c => c.Name == name));
            if (clash is not null) throw MlopsException.Invalid("entity_rows", $"entity column '{clash}' has the name of a requested feature; rename it or set full_feature_names");
        }
        return new RetrievalJob(new EntityInput(request.EntityRows, request.EntityRows is null ? request.EntityDataset : null), request.EventTimestampColumn,
            views, onDemand, sources, entities, request.FilterByCreatedTimestamp);
    }

    public async Task LogTrainingDataset(string runId, string name, int? version, string context)
    {
        var dataset = await catalog.GetTrainingDatasetAsync(name, version)
                      ?? throw MlopsException.NotFound(version is null ? $"training set '{name}' does not exist" : $"training set '{name}' has no version {version}");
        var schema = JsonSerializer.Serialize(new
        {
            mlflow_colspec = dataset.Schema.Select(f => new { name = f.Name, type = FeatureTypes.Name(f.Type) }),
        });
        var source = JsonSerializer.Serialize(new
        {
            uri = $"mlops-artifacts:/{dataset.ArtifactKey}", name = dataset.Name, version = dataset.Version, sha256 = dataset.Digest,
            lineage = dataset.Lineage.Select(l => $"{DefinitionKinds.YamlName(l.Kind)}:{l.Name}@{l.Version}"),
        });
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        if (context.Length > 0) tags["mlflow.data.context"] = context;
        // MLflow caps a dataset digest at 36 characters; the full SHA-256 travels in the source.
        await GrainFactory.GetGrain<IRunGrain>(runId).LogInputs([new DatasetInput($"{dataset.Name}@{dataset.Version}", dataset.Digest[..32], "mlops-training-set",
            source, schema, JsonSerializer.Serialize(new { num_rows = dataset.RowCount, size_bytes = dataset.SizeBytes }), tags)]);
    }

    private static async Task<string> Sha256Async(string path, CancellationToken ct)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(file, ct));
    }

    private static string RequestJson(HistoricalFeaturesRequest request) => JsonSerializer.Serialize(new
    {
        entity_dataset = request.EntityDataset, entity_rows = request.EntityRows?.RowCount, event_timestamp_column = request.EventTimestampColumn,
        features = request.Features, feature_service = request.FeatureService, full_feature_names = request.FullFeatureNames,
        filter_by_created_timestamp = request.FilterByCreatedTimestamp,
    });
}
