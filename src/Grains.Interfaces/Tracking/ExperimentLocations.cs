using System.Text.RegularExpressions;

namespace MlOps.Orleans.Contracts.Tracking;

/// <summary>
/// Where a new experiment's artifacts go when the client names no artifact_location: under the server's default root, as
/// MLflow's <c>--default-artifact-root</c>. The default is this server's own store behind MLflow's artifact proxy
/// (<c>mlflow-artifacts:/&lt;id&gt;</c>). Any other root (<c>s3://bucket/mlflow</c>, <c>file:///shared/mlruns</c>) is one
/// the clients write to themselves; the server records it and never reads or writes it.
/// </summary>
public static partial class ExperimentLocations
{
    public const string ProxyRoot = "mlflow-artifacts:";

    public static string For(string? defaultRoot, string experimentId) =>
        string.IsNullOrEmpty(defaultRoot) || defaultRoot == ProxyRoot ? $"mlflow-artifacts:/{experimentId}" : $"{defaultRoot.TrimEnd('/')}/{experimentId}";

    /// <summary>The problem with a configured root, or null: a URI with a scheme or an absolute path, of printable text.</summary>
    public static string? Problem(string? root)
    {
        if (root is null) return null;
        if (string.IsNullOrWhiteSpace(root)) return "must not be blank";
        if (root.Length > TrackingLimits.MaxArtifactLocationLength - 40) return $"is longer than {TrackingLimits.MaxArtifactLocationLength - 40} characters";
        if (root.Any(char.IsControl)) return "contains a control character";
        if (root.StartsWith(ProxyRoot, StringComparison.Ordinal) && root.TrimEnd('/') != ProxyRoot)
            return $"'{root}': inside this server's store only the store itself ({ProxyRoot}) can be the default root";
        if (!Scheme().IsMatch(root) && !root.StartsWith('/')) return $"'{root}' is neither a URI (s3://bucket/path, file:///path, mlflow-artifacts:) nor an absolute path";
        return null;
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9+.-]*:")]
    private static partial Regex Scheme();
}
