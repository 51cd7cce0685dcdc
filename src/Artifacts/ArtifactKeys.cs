using System.Text.RegularExpressions;
using MlOps.Orleans.Contracts.Common;

namespace MlOps.Orleans.Artifacts;

/// <summary>Store keys: the roots the platform derives from ids, and the check every backend applies before any I/O.</summary>
public static partial class ArtifactKeys
{
    /// <summary>First segment of the uploads kept for model registration; never recorded in a run's catalog.</summary>
    public const string StagingPrefix = "staging";

    [GeneratedRegex("^[0-9a-f]{32}$", RegexOptions.CultureInvariant)]
    private static partial Regex StagingIdPattern();

    /// <summary>The key prefix of a staging area; its id must be 32 lowercase hex characters.</summary>
    public static string StagingRoot(string? stagingId, string field = "staging_id")
    {
        if (string.IsNullOrEmpty(stagingId)) throw MlopsException.Invalid(field, $"{field} is required");
        if (!StagingIdPattern().IsMatch(stagingId))
            throw MlopsException.Invalid(field, $"{field} must be 32 lowercase hexadecimal characters");
        return $"{StagingPrefix}/{stagingId}";
    }

    /// <summary>
    /// A whole key obeys the client path rules, so a bug that builds a key from unchecked input still cannot leave the store.
    /// A leading '.' in the first segment is reserved for the backends' own bookkeeping (partial uploads).
    /// </summary>
    public static string Validate(string? key, string field = ArtifactPath.Field)
    {
        ArtifactPath.File(key, field);
        if (key![0] == '.') throw MlopsException.Invalid(field, $"{field} '{key}' starts with '.', which is reserved for the store");
        return key;
    }

    /// <summary>A directory key: "" for the whole store, otherwise like <see cref="Validate"/>.</summary>
    public static string ValidateDirectory(string? key, string field = ArtifactPath.Field) =>
        string.IsNullOrEmpty(key) ? "" : Validate(key, field);
}
