using MlOps.Orleans.Contracts.Features;
namespace MlOps.Orleans.Features.Definitions;

/// <summary>The YAML/JSON names of <see cref="SourceFormat"/>.</summary>
public static class SourceFormats
{
    public static string Name(SourceFormat format) => format switch
    {
        SourceFormat.Csv => "csv",
        _ => "parquet",
    };

    public static bool TryParse(string? name, out SourceFormat format)
    {
        switch (name?.Trim().ToLowerInvariant())
        {
            case "parquet":
                format = SourceFormat.Parquet;
                return true;
            case "csv":
                format = SourceFormat.Csv;
                return true;
            default:
                format = SourceFormat.Parquet;
                return false;
        }
    }
}
