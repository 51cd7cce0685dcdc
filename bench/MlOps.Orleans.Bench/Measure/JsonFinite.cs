using System.Text.Json.Nodes;

namespace MlOps.Orleans.Bench.Measure;

/// <summary>
/// JSON has no NaN or infinity, and System.Text.Json refuses to write them: a void run (every window discarded) has NaN
/// medians and percentiles, and writing its record used to crash the command after the measuring was done, losing the
/// record that says the run was void. Non-finite numbers become null ("no figure") before a record is written.
/// </summary>
internal static class JsonFinite
{
    /// <summary>Replaces every NaN or infinite number under <paramref name="node"/> by null, in place; the count replaced.</summary>
    public static int Scrub(JsonNode? node)
    {
        var replaced = 0;
        switch (node)
        {
            case JsonObject obj:
                foreach (var key in obj.Select(p => p.Key).ToList())
                {
                    if (IsNonFinite(obj[key])) { obj[key] = null; replaced++; }
                    else replaced += Scrub(obj[key]);
                }
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (IsNonFinite(array[i])) { array[i] = null; replaced++; }
                    else replaced += Scrub(array[i]);
                }
                break;
        }
        return replaced;
    }

    private static bool IsNonFinite(JsonNode? node) =>
        node is JsonValue value && (value.TryGetValue<double>(out var d) && !double.IsFinite(d) || value.TryGetValue<float>(out var f) && !float.IsFinite(f));
}
