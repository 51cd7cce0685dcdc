namespace MlOps.Orleans.Contracts.Features;

/// <summary>
/// Offline store work (stateless worker, so it runs on the silo that received the call, next to its DuckDB and cache folder):
/// pushes to the offline side and point-in-time training sets.
/// </summary>
[Alias("mlops.features.IOfflineFeatureGrain")]
public interface IOfflineFeatureGrain : IGrainWithIntegerKey
{
    /// <summary>Validates rows against the push source schema and appends them as one immutable Parquet file per event date.</summary>
    [Alias("PushOffline")] Task<PushOutcome> PushOffline(string pushSource, FeatureFrame rows);

    /// <summary>Builds, stores and registers a training set. Large requests take minutes, hence the long response timeout.</summary>
    [ResponseTimeout("01:00:00")]
    [Alias("GetHistoricalFeatures")] Task<TrainingDatasetInfo> GetHistoricalFeatures(HistoricalFeaturesRequest request, CancellationToken cancellation);

    /// <summary>Logs a training set as a dataset input of a run, carrying its digest and lineage.</summary>
    [Alias("LogTrainingDataset")] Task LogTrainingDataset(string runId, string name, int? version, string context);
}

/// <summary>What a push stored.</summary>
[GenerateSerializer, Immutable]
[Alias("mlops.features.PushOutcome")]
public sealed record PushOutcome(
    [property: Id(0)] long Rows,
    [property: Id(1)] IReadOnlyList<string> Files);
