using System.Text.RegularExpressions;
using MlOps.Orleans.Contracts.Common;

namespace MlOps.Orleans.Contracts.Tracking;

/// <summary>The one place that decides whether logged-model input is acceptable; the grain and every protocol call it.</summary>
public static partial class LoggedModelValidation
{
    /// <summary>At most this many params or tags in one call, as a run batch bounds them.</summary>
    public const int MaxEntriesPerCall = 1000;

    [GeneratedRegex("^m-[0-9a-f]{32}$", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();

    public static bool IsModelId(string? id) => id is not null && IdPattern().IsMatch(id);

    public static void ModelId(string? id, string field = "model_id")
    {
        if (string.IsNullOrEmpty(id)) throw MlopsException.Invalid(field, $"Missing value for required parameter '{field}'.");
        if (!IdPattern().IsMatch(id)) throw MlopsException.Invalid(field, $"{field} '{Clip(id)}' is not a logged model id (m- and 32 lower-case hex digits)");
    }

    /// <summary>MLflow 3's rule: a non-empty name without / : . % " ' (the name becomes a path segment and a URI part).</summary>
    public static void Name(string? name, string field = "name")
    {
        if (string.IsNullOrEmpty(name) || name.IndexOfAny(['/', ':', '.', '%', '"', '\'']) >= 0)
            throw MlopsException.Invalid(field, $"Invalid model name ('{Clip(name ?? "")}') provided. Model name must be a non-empty string and cannot contain " +
                "the following characters: ('/', ':', '.', '%', '\"', \"'\")");
        if (name.Length > TrackingLimits.MaxKeyLength)
            throw MlopsException.Invalid(field, $"{field} is {name.Length} characters; at most {TrackingLimits.MaxKeyLength} are allowed");
    }

    public static void ModelType(string? type)
    {
        if (type is { Length: > TrackingLimits.MaxKeyLength })
            throw MlopsException.Invalid("model_type", $"model_type is {type.Length} characters; at most {TrackingLimits.MaxKeyLength} are allowed");
    }

    /// <summary>Tags take a run tag's key rules and value bound (3.5 checks neither; an 8,001-character value is refused here).</summary>
    public static void Tags(IReadOnlyDictionary<string, string> tags, string field = "tags")
    {
        Count(tags.Count, field);
        foreach (var (key, value) in tags)
        {
            TrackingValidation.Key(key, $"{field}.key");
            TrackingValidation.Value(value, TrackingLimits.MaxRunTagValueLength, $"{field}['{Clip(key)}'].value");
        }
    }

    public static void Params(IReadOnlyDictionary<string, string> parameters, string field = "params")
    {
        Count(parameters.Count, field);
        foreach (var (key, value) in parameters)
        {
            TrackingValidation.Key(key, $"{field}.key");
            TrackingValidation.Value(value, TrackingLimits.MaxParamValueLength, $"{field}['{Clip(key)}'].value");
        }
    }

    private static void Count(int count, string field)
    {
        if (count > MaxEntriesPerCall) throw MlopsException.Invalid(field, $"at most {MaxEntriesPerCall} {field} may be sent at once; got {count}");
    }

    private static string Clip(string s) => s.Length <= 64 ? s : string.Concat(s.AsSpan(0, 61), "...");
}
