using System.Globalization;
using MlOps.Orleans.Contracts.Common;

namespace MlOps.Orleans.Contracts.Registry;

/// <summary><c>models:/&lt;name&gt;/&lt;version&gt;</c> or <c>models:/&lt;name&gt;@&lt;alias&gt;</c>, accepted wherever a model is referenced.</summary>
public sealed record ModelUri(string Name, long? Version, string? Alias)
{
    public const string Scheme = "models:/";

    public static ModelUri Parse(string? uri, string field)
    {
        if (uri is null || !uri.StartsWith(Scheme, StringComparison.Ordinal))
            throw MlopsException.Invalid(field, $"{field} must start with {Scheme}");
        var rest = uri[Scheme.Length..];
        var at = rest.IndexOf('@', StringComparison.Ordinal);
        if (at > 0)
        {
            RegistryValidation.ModelName(rest[..at], field);
            RegistryValidation.Alias(rest[(at + 1)..], field);
            return new ModelUri(rest[..at], null, rest[(at + 1)..]);
        }
        var slash = rest.LastIndexOf('/');
        if (slash > 0 && long.TryParse(rest[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var version) && version > 0)
        {
            RegistryValidation.ModelName(rest[..slash], field);
            return new ModelUri(rest[..slash], version, null);
        }
        throw MlopsException.Invalid(field, $"{field} '{uri}' must be {Scheme}<name>/<version> or {Scheme}<name>@<alias>");
    }
}
