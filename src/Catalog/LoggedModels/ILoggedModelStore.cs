using MlOps.Orleans.Contracts.Tracking;

namespace MlOps.Orleans.Catalog.LoggedModels;

/// <summary>The logged-model part of the catalog (MLflow 3's LoggedModel). Writes commit durably before returning.</summary>
public interface ILoggedModelStore
{
    /// <summary>The model, deleted or not; null when no such id was ever created.</summary>
    Task<LoggedModelInfo?> LoadAsync(string modelId, CancellationToken ct = default);

    /// <summary>Applies one model mutation in one transaction.</summary>
    Task WriteAsync(LoggedModelWrite write, CancellationToken ct = default);

    Task<LoggedModelsPage> SearchAsync(SearchLoggedModelsQuery query, CancellationToken ct = default);
}

/// <summary>
/// One logged-model mutation: the row as it is now (inserted with every param and tag when <see cref="IsNew"/>), and
/// otherwise the params added and the tags set or removed.
/// </summary>
public sealed record LoggedModelWrite(LoggedModelInfo Model, bool IsNew)
{
    public IReadOnlyList<KeyValuePair<string, string>> NewParams { get; init; } = [];
    public IReadOnlyList<KeyValuePair<string, string>> TagUpserts { get; init; } = [];
    public IReadOnlyList<string> TagDeletes { get; init; } = [];
    public IReadOnlyList<ModelMetric> NewMetrics { get; init; } = [];
}
