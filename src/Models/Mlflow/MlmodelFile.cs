using System.Text;
using MlOps.Orleans.Contracts.Common;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MlOps.Orleans.Models.Mlflow;

/// <summary>
/// Reads MLflow's <c>MLmodel</c> file (YAML) into an <see cref="MlflowModel"/>. Tolerant of what it does not use
/// (MLflow adds fields between versions), strict about what it does: a wrong shape is an error naming the field.
/// </summary>
public static class MlmodelFile
{
    /// <summary>The file's name at the top of an MLflow model folder.</summary>
    public const string FileName = "MLmodel";

    /// <summary>MLflow writes a few KiB; even a signature of ten thousand columns stays far below this.</summary>
    public const int MaxBytes = 4 * 1024 * 1024;

    /// <summary>MLflow nests four levels (<c>flavors.python_function.env.conda</c>); far deeper is not an MLmodel.</summary>
    public const int MaxNesting = 32;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Parses the file's bytes.</summary>
    /// <exception cref="MlopsException">Invalid, field <c>MLmodel</c>: the reason names the field at fault.</exception>
    public static MlflowModel Parse(byte[] content)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (content.Length > MaxBytes)
        {
            throw Invalid($"{FileName} is larger than {MaxBytes} bytes");
        }

        var root = Load(content);
        var flavors = Mapping(root, "flavors", required: true)!;
        if (flavors.Children.Count == 0)
        {
            throw Invalid($"{FileName} field flavors must name at least one flavor");
        }

        var names = flavors.Children.Keys.Select(key => Text(key, "flavors") ?? "").ToArray();
        var onnx = Mapping(flavors, MlflowModel.OnnxFlavor, "flavors.");
        var signature = Mapping(root, "signature");
        return new MlflowModel(
            names,
            onnx is null ? null : Scalar(onnx, "data", "flavors.onnx.", required: true),
            onnx is null ? null : Scalar(onnx, "onnx_version", "flavors.onnx."),
            signature is null ? null : Schema(signature, "inputs"),
            signature is null ? null : Schema(signature, "outputs"),
            Mapping(root, "saved_input_example_info") is { } example
                ? Scalar(example, "artifact_path", "saved_input_example_info.", required: true)
                : null,
            Scalar(root, "mlflow_version"),
            Scalar(root, "utc_time_created"));
    }

    private static YamlMappingNode Load(byte[] content)
    {
        string text;
        try
        {
            text = StrictUtf8.GetString(content);
        }
        catch (DecoderFallbackException)
        {
            throw Invalid($"{FileName} is not UTF-8 text");
        }

        var stream = new YamlStream();
        try
        {
            stream.Load(new NestingLimitParser(new Parser(new StringReader(text)), MaxNesting));
        }
        catch (YamlException ex)
        {
            throw Invalid($"{FileName} is not valid YAML: line {ex.Start.Line}, column {ex.Start.Column}: {ex.InnerException?.Message ?? Bare(ex)}");
        }

        return stream.Documents.Count switch
        {
            0 => throw Invalid($"{FileName} is empty"),
            > 1 => throw Invalid($"{FileName} holds {stream.Documents.Count} YAML documents; MLflow writes one"),
            _ => stream.Documents[0].RootNode as YamlMappingNode ?? throw Invalid($"{FileName} must be a YAML mapping of fields"),
        };
    }

    // A signature side is a JSON document inside a YAML string, exactly as MLflow writes it.
    private static MlflowSchema? Schema(YamlMappingNode signature, string key) =>
        Scalar(signature, key, "signature.") is { } json ? MlflowSchemaReader.Read(json, $"{FileName} field signature.{key}") : null;

    private static YamlMappingNode? Mapping(YamlMappingNode parent, string key, string prefix = "", bool required = false) =>
        Find(parent, key, prefix, required) switch
        {
            null => null,
            YamlMappingNode mapping => mapping,
            var other => throw Invalid($"{FileName} field {prefix}{key} must be a mapping ({At(other)})"),
        };

    private static string? Scalar(YamlMappingNode parent, string key, string prefix = "", bool required = false) =>
        Find(parent, key, prefix, required) is { } node ? Text(node, prefix + key) : null;

    private static YamlNode? Find(YamlMappingNode parent, string key, string prefix, bool required)
    {
        var value = parent.Children.TryGetValue(new YamlScalarNode(key), out var found) && !IsNull(found) ? found : null;
        return value is null && required ? throw Invalid($"{FileName} field {prefix}{key} is missing") : value;
    }

    private static string? Text(YamlNode node, string field) =>
        node is YamlScalarNode scalar
            ? scalar.Value
            : throw Invalid($"{FileName} field {field} must be a single value, not a {(node is YamlSequenceNode ? "list" : "mapping")} ({At(node)})");

    // YAML's plain null spellings; a quoted "null" is the string.
    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: not (YamlDotNet.Core.ScalarStyle.SingleQuoted or YamlDotNet.Core.ScalarStyle.DoubleQuoted) } scalar
        && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL";

    private static string At(YamlNode node) => $"line {node.Start.Line}, column {node.Start.Column}";

    // YamlException's message repeats the position that the reason already gives.
    private static string Bare(YamlException ex)
    {
        var message = ex.Message;
        var colon = message.IndexOf("): ", StringComparison.Ordinal);
        return colon < 0 ? message : message[(colon + 3)..];
    }

    private static MlopsException Invalid(string reason) => MlopsException.Invalid(FileName, reason);
}
