namespace MlOps.Orleans.Contracts.Tracking;

/// <summary>Single writer of one logged model, keyed by its id (<c>m-</c> and 32 hex digits).</summary>
[Alias("mlops.tracking.ILoggedModelGrain")]
public interface ILoggedModelGrain : IGrainWithStringKey
{
    [Alias("Create")] Task<LoggedModelInfo> Create(CreateLoggedModel command);
    /// <summary>The model; NotFound when it does not exist or was deleted.</summary>
    [Alias("Get")] Task<LoggedModelInfo> Get();
    /// <summary>Ends PENDING: READY once its files are uploaded, FAILED when logging failed.</summary>
    [Alias("Finalize")] Task<LoggedModelInfo> Finalize(LoggedModelStatus status);
    [Alias("SetTags")] Task<LoggedModelInfo> SetTags(IReadOnlyDictionary<string, string> tags);
    [Alias("DeleteTag")] Task<LoggedModelInfo> DeleteTag(string key);
    /// <summary>Adds params; a key already logged with another value is refused, as MLflow refuses a param changed.</summary>
    [Alias("LogParams")] Task<LoggedModelInfo> LogParams(IReadOnlyDictionary<string, string> parameters);
    /// <summary>Records metric points logged with this model's id (each also a metric of its run, logged there first).</summary>
    [Alias("LogMetrics")] Task LogMetrics(IReadOnlyList<ModelMetric> metrics);
    [Alias("Delete")] Task Delete();
}
