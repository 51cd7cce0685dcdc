using System.Text.Json;
using MlOps.Orleans.Contracts.Features;

namespace MlOps.Orleans.Features.Definitions;

/// <summary>
/// Human-readable differences between a stored definition and a desired one, for plan output:
/// "schema: + acc_rate (float64)", "ttl: 1d -> 2d", "tags changed".
/// </summary>
internal static class DefinitionDiff
{
    public static IReadOnlyList<string> Describe(DefinitionKind kind, string beforeJson, object after)
    {
        object before;
        try
        {
            before = DefinitionJson.Deserialize(kind, beforeJson);
        }
        catch (JsonException)
        {
            return ["the stored definition could not be read; it is replaced"];
        }
        var d = new List<string>();
        switch ((before, after))
        {
            case (EntitySpec b, EntitySpec a):
                Fields(d, "join_keys", b.JoinKeys, a.JoinKeys);
                Metadata(d, b.Description, a.Description, b.Tags, a.Tags);
                break;
            case (DataSourceSpec b, DataSourceSpec a):
                Value(d, "push", b.IsPush, a.IsPush);
                Value(d, "format", SourceFormats.Name(b.Format), SourceFormats.Name(a.Format));
                Value(d, "path", b.Path, a.Path);
                Value(d, "timestamp_field", b.TimestampField, a.TimestampField);
                Value(d, "created_timestamp_field", b.CreatedTimestampField, a.CreatedTimestampField);
                Value(d, "hive_partitioning", b.HivePartitioning, a.HivePartitioning);
                Fields(d, "schema", b.Schema, a.Schema);
                Metadata(d, b.Description, a.Description, b.Tags, a.Tags);
                break;
            case (FeatureViewSpec b, FeatureViewSpec a):
                List(d, "entities", b.Entities, a.Entities);
                Fields(d, "schema", b.Schema, a.Schema);
                Value(d, "source", b.Source, a.Source);
                List(d, "sources", b.Sources, a.Sources);
                if (b.Sql != a.Sql)
                {
                    d.Add("sql changed");
                }
                Value(d, "timestamp_field", b.TimestampField, a.TimestampField);
                Value(d, "created_timestamp_field", b.CreatedTimestampField, a.CreatedTimestampField);
                Value(d, "ttl", TtlFormat.Format(b.Ttl), TtlFormat.Format(a.Ttl));
                Value(d, "online", b.Online, a.Online);
                Value(d, "owner", b.Owner, a.Owner);
                Metadata(d, b.Description, a.Description, b.Tags, a.Tags);
                break;
            case (OnDemandFeatureViewSpec b, OnDemandFeatureViewSpec a):
                List(d, "inputs", b.Inputs, a.Inputs);
                Fields(d, "request_schema", b.RequestSchema, a.RequestSchema);
                Outputs(d, b.Outputs, a.Outputs);
                Value(d, "owner", b.Owner, a.Owner);
                Metadata(d, b.Description, a.Description, b.Tags, a.Tags);
                break;
            case (FeatureServiceSpec b, FeatureServiceSpec a):
                Projections(d, b.Projections, a.Projections);
                Value(d, "owner", b.Owner, a.Owner);
                Metadata(d, b.Description, a.Description, b.Tags, a.Tags);
                break;
        }
        if (d.Count == 0)
        {
            d.Add("definition changed");
        }
        return d;
    }

    private static void Value<T>(List<string> d, string what, T before, T after)
    {
        if (!EqualityComparer<T>.Default.Equals(before, after))
        {
            d.Add($"{what}: {Show(before)} -> {Show(after)}");
        }
    }

    private static string Show<T>(T value) => value switch
    {
        string { Length: 0 } => "(none)",
        bool b => b ? "true" : "false",
        _ => value?.ToString() ?? "(none)",
    };

    private static void List(List<string> d, string what, IReadOnlyList<string> before, IReadOnlyList<string> after)
    {
        if (!before.SequenceEqual(after, StringComparer.Ordinal))
        {
            d.Add($"{what}: [{string.Join(", ", before)}] -> [{string.Join(", ", after)}]");
        }
    }

    private static void Fields(List<string> d, string what, IReadOnlyList<FieldSpec> before, IReadOnlyList<FieldSpec> after)
    {
        var old = before.GroupBy(f => f.Name).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var now = after.GroupBy(f => f.Name).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var described = false;
        foreach (var f in after.Where(f => !old.ContainsKey(f.Name)))
        {
            d.Add($"{what}: + {f.Name} ({FeatureTypes.Name(f.Type)})");
            described = true;
        }
        foreach (var f in before.Where(f => !now.ContainsKey(f.Name)))
        {
            d.Add($"{what}: - {f.Name} ({FeatureTypes.Name(f.Type)})");
            described = true;
        }
        foreach (var f in after.Where(f => old.TryGetValue(f.Name, out var o) && o.Type != f.Type))
        {
            d.Add($"{what}: {f.Name} {FeatureTypes.Name(old[f.Name].Type)} -> {FeatureTypes.Name(f.Type)}");
            described = true;
        }
        if (!described && !before.Select(f => f.Name).SequenceEqual(after.Select(f => f.Name), StringComparer.Ordinal))
        {
            d.Add($"{what}: order changed");
        }
        if (after.Any(f => old.TryGetValue(f.Name, out var o) && o.Description != f.Description))
        {
            d.Add($"{what}: descriptions changed");
        }
    }

    private static void Outputs(List<string> d, IReadOnlyList<OnDemandOutput> before, IReadOnlyList<OnDemandOutput> after)
    {
        var old = before.GroupBy(o => o.Field.Name).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var now = after.GroupBy(o => o.Field.Name).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        foreach (var o in after)
        {
            if (!old.TryGetValue(o.Field.Name, out var b))
            {
                d.Add($"outputs: + {o.Field.Name} ({FeatureTypes.Name(o.Field.Type)}) = {o.Expression}");
                continue;
            }
            if (b.Field.Type != o.Field.Type)
            {
                d.Add($"outputs: {o.Field.Name} {FeatureTypes.Name(b.Field.Type)} -> {FeatureTypes.Name(o.Field.Type)}");
            }
            if (b.Expression != o.Expression)
            {
                d.Add($"outputs: {o.Field.Name} = {b.Expression} -> {o.Expression}");
            }
            if (b.Field.Description != o.Field.Description)
            {
                d.Add($"outputs: {o.Field.Name} description changed");
            }
        }
        foreach (var o in before.Where(o => !now.ContainsKey(o.Field.Name)))
        {
            d.Add($"outputs: - {o.Field.Name} ({FeatureTypes.Name(o.Field.Type)})");
        }
    }

    private static void Projections(List<string> d, IReadOnlyList<FeatureProjection> before, IReadOnlyList<FeatureProjection> after)
    {
        static string Label(FeatureProjection p) => p.Version is { } v ? $"{p.View}@v{v}" : p.View;
        static string Features(FeatureProjection p) => p.Features.Count == 0 ? "*" : string.Join(", ", p.Features);
        var old = before.Select(p => (Label(p), Features(p))).ToList();
        var now = after.Select(p => (Label(p), Features(p))).ToList();
        foreach (var (label, features) in now.Except(old))
        {
            d.Add($"features: + {label}: [{features}]");
        }
        foreach (var (label, features) in old.Except(now))
        {
            d.Add($"features: - {label}: [{features}]");
        }
        if (old.Count == now.Count && !old.Except(now).Any() && !old.SequenceEqual(now))
        {
            d.Add("features: order changed");
        }
    }

    private static void Metadata(
        List<string> d, string descriptionBefore, string descriptionAfter,
        IReadOnlyDictionary<string, string> tagsBefore, IReadOnlyDictionary<string, string> tagsAfter)
    {
        if (descriptionBefore != descriptionAfter)
        {
            d.Add("description changed");
        }
        var changed = tagsAfter.Where(t => !tagsBefore.TryGetValue(t.Key, out var v) || v != t.Value).Select(t => t.Key)
            .Concat(tagsBefore.Keys.Where(k => !tagsAfter.ContainsKey(k)))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (changed.Count > 0)
        {
            d.Add($"tags changed: {string.Join(", ", changed)}");
        }
    }
}
