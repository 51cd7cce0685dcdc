using YamlDotNet.RepresentationModel;
using MlOps.Orleans.Contracts.Features;

namespace MlOps.Orleans.Features.Definitions;

/// <summary>
/// Reads the keys of one YAML mapping that describes a definition, reporting wrong shapes with their line and column and,
/// at <see cref="Finish"/>, any key that was never asked for: a misspelt key is an error, not a silently ignored setting.
/// </summary>
internal sealed class YamlObjectReader
{
    private readonly YamlMappingNode _node;
    private readonly DefinitionErrorSink _sink;
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);

    public YamlObjectReader(YamlMappingNode node, string file, DefinitionKind kind, string name, DefinitionErrorSink sink)
    {
        _node = node;
        File = file;
        Kind = kind;
        Name = name;
        _sink = sink;
    }

    public string File { get; }

    public DefinitionKind Kind { get; }

    public string Name { get; set; }

    public static string At(YamlNode node) => $"line {node.Start.Line}, column {node.Start.Column}";

    public void Fail(YamlNode node, string reason) => _sink.Error(File, Kind, Name, $"{At(node)}: {reason}");

    public void Fail(string reason) => _sink.Error(File, Kind, Name, $"{At(_node)}: {reason}");

    public bool Has(string key) => Get(key) is not null;

    /// <summary>The value node of <paramref name="key"/>, or null when absent or written as an explicit null.</summary>
    public YamlNode? Get(string key)
    {
        _known.Add(key);
        foreach (var (k, v) in _node.Children)
        {
            if (k is YamlScalarNode { Value: var text } && text == key)
            {
                return IsNull(v) ? null : v;
            }
        }
        return null;
    }

    public string String(string key, bool required = false, string fallback = "")
    {
        var node = Get(key);
        if (node is null)
        {
            if (required)
            {
                Fail($"'{key}' is required");
            }
            return fallback;
        }
        return Scalar(node, $"'{key}'") ?? fallback;
    }

    public bool Bool(string key, bool fallback)
    {
        var node = Get(key);
        if (node is null)
        {
            return fallback;
        }
        switch (Scalar(node, $"'{key}'")?.ToLowerInvariant())
        {
            case "true":
                return true;
            case "false":
                return false;
            case null:
                return fallback;
            default:
                Fail(node, $"'{key}' must be true or false");
                return fallback;
        }
    }

    public List<string> StringList(string key, bool required = false)
    {
        var node = Get(key);
        if (node is null)
        {
            if (required)
            {
                Fail($"'{key}' is required");
            }
            return [];
        }
        if (node is not YamlSequenceNode list)
        {
            Fail(node, $"'{key}' must be a list of names");
            return [];
        }
        var result = new List<string>();
        foreach (var item in list)
        {
            if (Scalar(item, $"an item of '{key}'") is { } text)
            {
                result.Add(text);
            }
        }
        return result;
    }

    /// <summary>A list of typed fields: <c>[{name: x, type: int64, description: ...}]</c>.</summary>
    public List<FieldSpec> Fields(string key, bool required = false)
    {
        var node = Get(key);
        if (node is null)
        {
            if (required)
            {
                Fail($"'{key}' is required");
            }
            return [];
        }
        if (node is not YamlSequenceNode list)
        {
            Fail(node, $"'{key}' must be a list of {{name, type}} fields");
            return [];
        }
        var result = new List<FieldSpec>();
        foreach (var item in list)
        {
            if (Mapping(item, $"an item of '{key}'") is { } mapping && Field(mapping, key) is { } field)
            {
                result.Add(field);
            }
        }
        return result;
    }

    public FieldSpec? Field(YamlMappingNode mapping, string listKey) => Field(mapping, listKey, null, out _);

    /// <summary>A field that may carry one more key (an on-demand output's <c>expression</c>), required when named.</summary>
    public FieldSpec? Field(YamlMappingNode mapping, string listKey, string? extraKey, out string extraValue)
    {
        var reader = new YamlObjectReader(mapping, File, Kind, Name, _sink);
        var name = reader.String("name", required: true);
        var typeName = reader.String("type", required: true);
        var description = reader.String("description");
        extraValue = extraKey is null ? "" : reader.String(extraKey, required: true);
        reader.Finish($"an item of '{listKey}'");
        if (name.Length == 0 || typeName.Length == 0)
        {
            return null;
        }
        if (!FeatureTypes.TryParse(typeName, out var type))
        {
            Fail(mapping, $"field '{name}' of '{listKey}' has unknown type '{typeName}'; types are {FeatureTypes.Names}");
            return null;
        }
        return new FieldSpec(name, type, description);
    }

    public Dictionary<string, string> Tags(string key = "tags")
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var node = Get(key);
        if (node is null)
        {
            return result;
        }
        if (node is not YamlMappingNode mapping)
        {
            Fail(node, $"'{key}' must be a mapping of names to values");
            return result;
        }
        foreach (var (k, v) in mapping.Children)
        {
            if (Scalar(k, $"a key of '{key}'") is { } name)
            {
                result[name] = IsNull(v) ? "" : Scalar(v, $"tag '{name}'") ?? "";
            }
        }
        return result;
    }

    /// <summary>Reports every key that no one asked for; call after reading all keys.</summary>
    public void Finish(string what)
    {
        foreach (var (k, _) in _node.Children)
        {
            if (k is YamlScalarNode { Value: var text } && !_known.Contains(text ?? ""))
            {
                Fail(k, $"unknown key '{text}' in {what}; known keys are {string.Join(", ", _known)}");
            }
            else if (k is not YamlScalarNode)
            {
                Fail(k, $"keys of {what} must be plain names");
            }
        }
    }

    public string? Scalar(YamlNode node, string what)
    {
        if (node is YamlScalarNode scalar)
        {
            return scalar.Value ?? "";
        }
        Fail(node, $"{what} must be a single value, not a {(node is YamlSequenceNode ? "list" : "mapping")}");
        return null;
    }

    public YamlMappingNode? Mapping(YamlNode node, string what)
    {
        if (node is YamlMappingNode mapping)
        {
            return mapping;
        }
        Fail(node, $"{what} must be a mapping of keys to values");
        return null;
    }

    /// <summary>YAML's plain <c>~</c>, <c>null</c> or an empty value mean "not set"; a quoted "null" is a string.</summary>
    public static bool IsNull(YamlNode node) => node is YamlScalarNode
    {
        Style: YamlDotNet.Core.ScalarStyle.Plain or YamlDotNet.Core.ScalarStyle.Any,
        Value: null or "" or "~" or "null" or "Null" or "NULL",
    };
}
