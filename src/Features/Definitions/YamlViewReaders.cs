using YamlDotNet.RepresentationModel;
using MlOps.Orleans.Contracts.Features;

namespace MlOps.Orleans.Features.Definitions;

/// <summary>Reads feature views and on-demand feature views from their YAML mappings.</summary>
internal static class YamlViewReaders
{
    public static FeatureViewSpec FeatureView(YamlObjectReader r, string name)
    {
        var source = r.String("source");
        var sources = r.StringList("sources");
        var sql = r.String("sql");
        string timestampField;
        string createdField;
        if (source.Length > 0 && sql.Length == 0)
        {
            // A view over one source uses that source's columns; two places naming them could disagree.
            foreach (var key in new[] { "timestamp_field", "created_timestamp_field" })
            {
                if (r.Get(key) is { } node)
                {
                    r.Fail(node, $"'{key}' of a view over source '{source}' comes from the source; set it there");
                }
            }
            timestampField = "";
            createdField = "";
        }
        else
        {
            timestampField = r.String("timestamp_field", fallback: YamlSpecReaders.DefaultTimestampField);
            createdField = r.String("created_timestamp_field");
        }
        return new FeatureViewSpec(
            name,
            r.StringList("entities"),
            r.Fields("schema"),
            source,
            sources,
            sql,
            timestampField,
            createdField,
            Ttl(r),
            r.Bool("online", fallback: true),
            r.Tags(),
            r.String("owner"),
            r.String("description"));
    }

    private static TimeSpan? Ttl(YamlObjectReader r)
    {
        if (r.Get("ttl") is not { } node || r.Scalar(node, "'ttl'") is not { } text)
        {
            return null;
        }
        if (!TtlFormat.TryParse(text, out var ttl, out var error))
        {
            r.Fail(node, $"ttl {error}");
        }
        return ttl;
    }

    public static OnDemandFeatureViewSpec OnDemand(YamlObjectReader r, string name)
    {
        var outputs = new List<OnDemandOutput>();
        var node = r.Get("outputs");
        if (node is null)
        {
            r.Fail("'outputs' is required");
        }
        else if (node is not YamlSequenceNode items)
        {
            r.Fail(node, "'outputs' must be a list of {name, type, expression} mappings");
        }
        else
        {
            foreach (var item in items)
            {
                if (r.Mapping(item, "an item of 'outputs'") is { } mapping && Output(r, mapping) is { } output)
                {
                    outputs.Add(output);
                }
            }
        }
        return new OnDemandFeatureViewSpec(
            name,
            r.StringList("inputs"),
            r.Fields("request_schema"),
            outputs,
            r.Tags(),
            r.String("owner"),
            r.String("description"));
    }

    private static OnDemandOutput? Output(YamlObjectReader view, YamlMappingNode mapping)
    {
        var field = view.Field(mapping, "outputs", "expression", out var expression);
        return field is not null && expression.Length > 0 ? new OnDemandOutput(field, expression) : null;
    }
}
