using System.Globalization;
using YamlDotNet.RepresentationModel;
using MlOps.Orleans.Contracts.Features;

namespace MlOps.Orleans.Features.Definitions;

/// <summary>Reads entities, data sources and feature services from their YAML mappings.</summary>
internal static class YamlSpecReaders
{
    /// <summary>Batch sources without <c>timestamp_field</c> use this column, Feast's conventional name.</summary>
    public const string DefaultTimestampField = "event_timestamp";

    public static EntitySpec Entity(YamlObjectReader r, string name) =>
        new(name, r.Fields("join_keys", required: true), r.String("description"), r.Tags());

    public static DataSourceSpec Source(YamlObjectReader r, string name)
    {
        var push = r.Bool("push", fallback: false);
        var pathNode = r.Get("path");
        var path = r.String("path");
        if (push && pathNode is not null)
        {
            r.Fail(pathNode, "a push source has no path: pushed rows are stored by the feature store");
            path = "";
        }
        var format = Format(r, path, push);
        return new DataSourceSpec(
            name,
            push,
            format,
            path,
            r.String("timestamp_field", fallback: DefaultTimestampField),
            r.String("created_timestamp_field"),
            r.Bool("hive_partitioning", fallback: false),
            r.Fields("schema"),
            r.String("description"),
            r.Tags());
    }

    /// <summary>An explicit <c>format</c>, or the one the path's extension implies (<c>.parquet</c>, <c>.csv</c>, <c>.csv.gz</c>).</summary>
    private static SourceFormat Format(YamlObjectReader r, string path, bool push)
    {
        var node = r.Get("format");
        if (node is not null)
        {
            var text = r.Scalar(node, "'format'");
            if (text is not null && !SourceFormats.TryParse(text, out _))
            {
                r.Fail(node, $"unknown format '{text}'; formats are parquet and csv");
            }
            return SourceFormats.TryParse(text, out var explicitFormat) ? explicitFormat : SourceFormat.Parquet;
        }
        if (push || path.Length == 0)
        {
            return SourceFormat.Parquet;
        }
        var lower = path.ToLowerInvariant();
        if (lower.EndsWith(".parquet", StringComparison.Ordinal))
        {
            return SourceFormat.Parquet;
        }
        if (lower.EndsWith(".csv", StringComparison.Ordinal) || lower.EndsWith(".csv.gz", StringComparison.Ordinal))
        {
            return SourceFormat.Csv;
        }
        r.Fail($"cannot tell the format of '{path}' from its extension; add format: parquet or format: csv");
        return SourceFormat.Parquet;
    }

    public static FeatureServiceSpec Service(YamlObjectReader r, string name)
    {
        var projections = new List<FeatureProjection>();
        var node = r.Get("features");
        if (node is null)
        {
            r.Fail("'features' is required");
        }
        else if (node is not YamlSequenceNode items)
        {
            r.Fail(node, "'features' must be a list of view names or {view: [features]} mappings");
        }
        else
        {
            foreach (var item in items)
            {
                if (Projection(r, item) is { } projection)
                {
                    projections.Add(projection);
                }
            }
        }
        return new FeatureServiceSpec(name, projections, r.Tags(), r.String("owner"), r.String("description"));
    }

    /// <summary><c>view</c>, <c>view@v2</c>, <c>{view: [a, b]}</c>, <c>{view: "*"}</c> or <c>{view: []}</c> (the last three: all).</summary>
    private static FeatureProjection? Projection(YamlObjectReader r, YamlNode item)
    {
        if (item is YamlScalarNode scalar)
        {
            return ViewRef(r, item, scalar.Value ?? "") is var (view, version) ? new FeatureProjection(view, [], version) : null;
        }
        if (item is not YamlMappingNode { Children.Count: 1 } mapping)
        {
            r.Fail(item, "each item of 'features' must be a view name or a single {view: [features]} pair");
            return null;
        }
        var (key, value) = mapping.Children.First();
        if (r.Scalar(key, "a view name in 'features'") is not { } text || ViewRef(r, key, text) is not var (name, ver))
        {
            return null;
        }
        var features = new List<string>();
        if (value is YamlSequenceNode list)
        {
            foreach (var f in list)
            {
                if (r.Scalar(f, $"a feature of '{text}'") is { } feature)
                {
                    features.Add(feature);
                }
            }
        }
        else if (!YamlObjectReader.IsNull(value) && r.Scalar(value, $"the features of '{text}'") is { } single)
        {
            features.Add(single);
        }
        // "*" anywhere means the whole view, which the spec writes as no explicit features.
        return new FeatureProjection(name, features.Contains("*") ? [] : features, ver);
    }

    private static (string View, int? Version)? ViewRef(YamlObjectReader r, YamlNode node, string text)
    {
        var at = text.IndexOf('@', StringComparison.Ordinal);
        if (at < 0)
        {
            return (text.Trim(), null);
        }
        var suffix = text[(at + 1)..].Trim();
        var digits = suffix.StartsWith('v') || suffix.StartsWith('V') ? suffix[1..] : suffix;
        if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var version) || version < 1)
        {
            r.Fail(node, $"'{text}' has a bad version; write view@v2 (versions start at 1)");
            return null;
        }
        return (text[..at].Trim(), version);
    }
}
