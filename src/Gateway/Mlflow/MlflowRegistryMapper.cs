using System.Globalization;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Registry;

namespace MlOps.Orleans.Gateway.Mlflow;

/// <summary>Registry records in MLflow's JSON shapes (versions as strings, stages by name).</summary>
internal static class MlflowRegistryMapper
{
    public static object Model(RegisteredModelInfo m) => new
    {
        name = m.Name,
        creation_timestamp = m.CreationTime,
        last_updated_timestamp = m.LastUpdatedTime,
        user_id = m.UserId,
        description = m.Description,
        latest_versions = MlflowResults.NonEmpty(m.LatestVersions.Select(Version)),
        tags = MlflowResults.NonEmpty(m.Tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => new { key = t.Key, value = t.Value })),
        aliases = MlflowResults.NonEmpty(m.Aliases.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => new { alias = a.Key, version = Text(a.Value) })),
    };

    /// <summary>The logged model a version was made from (<c>models:/m-…</c>), which MLflow 3 reports as model_id.</summary>
    public static string? LoggedModelId(ModelVersionInfo v) =>
        v.Source.StartsWith("models:/", StringComparison.Ordinal) && Contracts.Tracking.LoggedModelValidation.IsModelId(v.Source["models:/".Length..])
            ? v.Source["models:/".Length..] : null;

    public static object Version(ModelVersionInfo v) => new
    {
        name = v.ModelName,
        version = Text(v.Version),
        creation_timestamp = v.CreationTime,
        last_updated_timestamp = v.LastUpdatedTime,
        user_id = v.UserId,
        current_stage = v.Stage.ToString(),
        description = v.Description,
        source = v.Source,
        run_id = v.RunId,
        model_id = LoggedModelId(v),
        status = v.Status switch
        {
            ModelVersionStatus.Ready => "READY",
            ModelVersionStatus.FailedRegistration => "FAILED_REGISTRATION",
            _ => "PENDING_REGISTRATION",
        },
        status_message = v.StatusMessage,
        tags = MlflowResults.NonEmpty(v.Tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => new { key = t.Key, value = t.Value })),
        run_link = v.RunLink,
        aliases = MlflowResults.NonEmpty(v.Aliases),
    };

    public static long ParseVersion(string? text, string field = "version") =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > 0
            ? v
            : throw MlopsException.Invalid(field, $"Parameter '{field}' must be an integer, got '{text}'.");

    /// <summary>MLflow's stage names, matched case-insensitively as MLflow does.</summary>
    public static ModelStage ParseStage(string? text) => text?.ToLowerInvariant() switch
    {
        "none" => ModelStage.None,
        "staging" => ModelStage.Staging,
        "production" => ModelStage.Production,
        "archived" => ModelStage.Archived,
        _ => throw MlopsException.Invalid("stage", $"Invalid Model Version stage: '{text}'. Value must be one of None, Staging, Production, Archived."),
    };

    private static string Text(long version) => version.ToString(CultureInfo.InvariantCulture);
}
