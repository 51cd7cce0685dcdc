using System.Text.RegularExpressions;

namespace MlOps.Orleans.Features.Definitions;

/// <summary>
/// Names of definitions and fields: an identifier of at most 128 characters, so every name is usable unquoted as a DuckDB
/// column, an expression identifier, a Parquet column and part of a <c>view__feature</c> name.
/// </summary>
public static partial class DefinitionNames
{
    public const string Pattern = "^[A-Za-z_][A-Za-z0-9_]{0,127}$";

    public static bool IsValid(string? name) => name is not null && NameRegex().IsMatch(name);

    [GeneratedRegex(Pattern, RegexOptions.CultureInvariant)]
    private static partial Regex NameRegex();
}
