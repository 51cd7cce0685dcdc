namespace MlOps.Orleans.Contracts.Common;

/// <summary>Stream provider and namespace names, shared by producers and subscribers.</summary>
public static class StreamNames
{
    public const string Provider = "mlops";
    public const string PubSubStore = "PubSubStore";
    public const string RunMetrics = "metrics";
    public const string RunStatus = "runs";
    public const string ModelEvents = "models";
}
