using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using MlOps.Orleans.Contracts.Common;

namespace MlOps.Orleans.Gateway.Mlflow;

/// <summary>
/// An MLflow request's arguments, read the way MLflow reads them: the query string for GET (a repeated key is a list),
/// a JSON body otherwise. Unknown fields are ignored; a field of the wrong type is INVALID_PARAMETER_VALUE naming it by its
/// whole path (<c>metrics[0].timestamp</c>), as MLflow does.
/// </summary>
internal sealed class MlflowArgs(JsonObject data, string path = "")
{
    public static async Task<MlflowArgs> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        {
            var query = new JsonObject();
            foreach (var (key, values) in request.Query)
                query[key] = values.Count == 1 ? JsonValue.Create(values[0]) : new JsonArray(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
            return new MlflowArgs(query);
        }
        if (request.ContentLength is 0 || (request.ContentLength is null && !request.Body.CanSeek && request.ContentType is null))
            return new MlflowArgs([]);
        var contentType = request.ContentType ?? "";
        if (!contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            throw MlopsException.Invalid("Content-Type", $"requests must be sent as application/json, not '{contentType}'");
        try
        {
            var node = await JsonNode.ParseAsync(request.Body, cancellationToken: ct).ConfigureAwait(false);
            // JsonObject builds its dictionary on first use and throws there on a key sent twice: build it now, here.
            if (node is JsonObject o) _ = o.Count;
            return node switch
            {
                null => new MlflowArgs([]),
                JsonObject obj => new MlflowArgs(obj),
                _ => throw MlopsException.Invalid("body", "the request body must be a JSON object"),
            };
        }
        catch (JsonException e)
        {
            throw MlopsException.Invalid("body", $"the request body is not valid JSON: {e.Message}");
        }
        catch (ArgumentException e)
        {
            throw MlopsException.Invalid("body", $"the request body sends a field twice: {e.Message}");
        }
    }

    public bool Has(string name) => data[name] is not null;

    /// <summary>A field as sent, for a value passed on untouched (the gateway proxy's json_data).</summary>
    public JsonNode? Node(string name) => data[name]?.DeepClone();

    public string? String(string name) => data[name] switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        // MLflow's protobuf parsing refuses a number or a boolean where a string is declared, and so do we: a client
        // that sends run_id 31 has a bug that "31" would hide.
        var node => throw WrongType(name, node),
    };

    /// <summary>A list of <c>{key, value}</c> objects (tags, params) as a dictionary; a key sent twice keeps its last value.</summary>
    public Dictionary<string, string> Pairs(string name)
    {
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in Objects(name)) pairs[p.Required("key")] = p.String("value") ?? "";
        return pairs;
    }

    public string Required(string name) =>
        String(name) is { Length: > 0 } s ? s : throw Missing(name);

    /// <summary>A required number (a metric's timestamp); absent or null is MLflow's "Missing value".</summary>
    public long RequiredLong(string name) => Long(name) ?? throw Missing(name);

    public double RequiredDouble(string name) => Double(name) ?? throw Missing(name);

    private MlopsException Missing(string name) =>
        MlopsException.Invalid(path + name, $"Missing value for required parameter '{path + name}'.");

    public long? Long(string name)
    {
        var node = data[name];
        if (node is null) return null;
        if (node is JsonValue v)
        {
            if (v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<long>(out var l)) return l;
            if (v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<double>(out var d) && d == Math.Floor(d) && Math.Abs(d) < 9.2e18) return (long)d;
            if (v.TryGetValue<string>(out var s) && long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed)) return parsed;
        }
        throw WrongType(name, node);
    }

    /// <summary>A double; MLflow clients send NaN and the infinities as strings.</summary>
    public double? Double(string name)
    {
        var node = data[name];
        if (node is null) return null;
        if (node is JsonValue v)
        {
            if (v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<double>(out var d)) return d;
            if (v.TryGetValue<string>(out var s))
            {
                switch (s)
                {
                    case "NaN": return double.NaN;
                    case "Infinity" or "inf": return double.PositiveInfinity;
                    case "-Infinity" or "-inf": return double.NegativeInfinity;
                }
                if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)) return parsed;
            }
        }
        throw WrongType(name, node);
    }

    public bool? Bool(string name) => data[name] switch
    {
        null => null,
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        JsonValue v when v.TryGetValue<string>(out var s) && bool.TryParse(s, out var b) => b,
        var node => throw WrongType(name, node),
    };

    /// <summary>A list field; a single value (one query-string occurrence) counts as a list of one.</summary>
    public IReadOnlyList<string> Strings(string name) => data[name] switch
    {
        null => [],
        JsonArray a => a.Select((n, i) => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw WrongType($"{name}[{i}]", n)).ToList(),
        _ => [String(name)!],
    };

    public IReadOnlyList<MlflowArgs> Objects(string name) => data[name] switch
    {
        null => [],
        JsonArray a => a.Select((n, i) => n is JsonObject o ? new MlflowArgs(o, $"{path}{name}[{i}].") : throw WrongType($"{name}[{i}]", n)).ToList(),
        var node => throw WrongType(name, node),
    };

    public MlflowArgs? Object(string name) => data[name] switch
    {
        null => null,
        JsonObject o => new MlflowArgs(o, $"{path}{name}."),
        var node => throw WrongType(name, node),
    };

    /// <summary>
    /// MLflow's wording for a value of the wrong type: the value as compact JSON and Python's name for its type, since
    /// clients and MLflow's own tests match on "Invalid value 31 for parameter 'run_id' supplied".
    /// </summary>
    private MlopsException WrongType(string name, JsonNode? node) =>
        MlopsException.Invalid(path + name,
            $"Invalid value {node?.ToJsonString() ?? "null"} for parameter '{path + name}' supplied: Hint: Value was of type '{PythonTypeName(node)}'. " +
            "See the API docs for more information about request parameters.");

    private static string PythonTypeName(JsonNode? node) => node switch
    {
        null => "NoneType",
        JsonObject => "dict",
        JsonArray => "list",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "str",
            JsonValueKind.True or JsonValueKind.False => "bool",
            JsonValueKind.Number when v.ToJsonString().IndexOfAny(['.', 'e', 'E']) >= 0 => "float",
            JsonValueKind.Number => "int",
            _ => "NoneType",
        },
        _ => "object",
    };
}
