using System.Text.RegularExpressions;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Tracking;

namespace MlOps.Orleans.Contracts.Registry;

/// <summary>The one place that decides whether registry input is acceptable; every protocol goes through the grain that calls it.</summary>
public static partial class RegistryValidation
{
    public const int MaxNameLength = 250;
    public const int MaxDescriptionLength = 5000;
    public const int MaxTagValueLength = 5000;
    public const int MaxAliasLength = 255;
    public const int MaxSourceLength = 1024;

    [GeneratedRegex(@"^[\w\-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex AliasPattern();

    [GeneratedRegex(@"^[vV]\d+$", RegexOptions.CultureInvariant)]
    private static partial Regex VersionLike();

    /// <summary>Names appear in <c>models:/&lt;name&gt;/&lt;version&gt;</c> URIs, so '/' and '@' are refused.</summary>
    public static void ModelName(string? name, string field = "name")
    {
        if (string.IsNullOrWhiteSpace(name)) throw MlopsException.Invalid(field, $"{field} must be a non-empty string");
        if (name.Length > MaxNameLength) throw MlopsException.Invalid(field, $"{field} is {name.Length} characters; at most {MaxNameLength} are allowed");
        if (name.Contains('/') || name.Contains('@') || name.Any(char.IsControl))
            throw MlopsException.Invalid(field, $"{field} '{name}' must not contain '/', '@' or control characters");
    }

    public static void Description(string? description, string field = "description")
    {
        if (description is { Length: > MaxDescriptionLength })
            throw MlopsException.Invalid(field, $"{field} is {description.Length} characters; at most {MaxDescriptionLength} are allowed");
    }

    public static void Tag(string key, string value, string field = "tag")
    {
        TrackingValidation.Key(key, $"{field}.key");
        TrackingValidation.Value(value, MaxTagValueLength, $"{field}.value");
    }

    public static void Version(long version, string field = "version")
    {
        if (version < 1) throw MlopsException.Invalid(field, $"{field} must be a positive integer; got {version}");
    }

    /// <summary>MLflow's alias rules: word characters and dashes; never 'latest' or 'v&lt;digits&gt;', which read as versions.</summary>
    public static void Alias(string? alias, string field = "alias")
    {
        if (string.IsNullOrEmpty(alias)) throw MlopsException.Invalid(field, $"{field} must be a non-empty string");
        if (alias.Length > MaxAliasLength) throw MlopsException.Invalid(field, $"{field} is longer than {MaxAliasLength} characters");
        if (!AliasPattern().IsMatch(alias)) throw MlopsException.Invalid(field, $"{field} '{alias}' may only contain letters, digits, underscores and dashes");
        if (alias.Equals("latest", StringComparison.OrdinalIgnoreCase) || VersionLike().IsMatch(alias))
            throw MlopsException.Invalid(field, $"{field} '{alias}' looks like a version reference; choose another alias");
    }
}
