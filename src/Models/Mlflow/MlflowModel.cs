namespace MlOps.Orleans.Models.Mlflow;

/// <summary>
/// What the platform reads from an MLflow <c>MLmodel</c> file (see docs/model-package.md). Everything else in the file
/// (run id, environment files, Python loader modules) is left alone.
/// </summary>
/// <param name="Flavors">The flavor names, in the file's order (<c>onnx</c>, <c>python_function</c>, <c>sklearn</c>, ...).</param>
/// <param name="OnnxModelFile"><c>flavors.onnx.data</c>: the ONNX file's path in the package; null without an onnx flavor.</param>
/// <param name="OnnxVersion"><c>flavors.onnx.onnx_version</c>, when written.</param>
/// <param name="Inputs"><c>signature.inputs</c>, when the file has a signature.</param>
/// <param name="Outputs"><c>signature.outputs</c>, when written.</param>
/// <param name="InputExampleFile"><c>saved_input_example_info.artifact_path</c>, when the model was logged with an example.</param>
/// <param name="MlflowVersion"><c>mlflow_version</c>, when written.</param>
/// <param name="CreatedAt"><c>utc_time_created</c> as written, when present.</param>
public sealed record MlflowModel(
    IReadOnlyList<string> Flavors,
    string? OnnxModelFile,
    string? OnnxVersion,
    MlflowSchema? Inputs,
    MlflowSchema? Outputs,
    string? InputExampleFile,
    string? MlflowVersion,
    string? CreatedAt)
{
    /// <summary>The flavor the platform serves.</summary>
    public const string OnnxFlavor = "onnx";

    /// <summary>
    /// Why the platform cannot serve this model, or null when it has the onnx flavor. Every other flavor holds data
    /// only its Python loader can read (pickles, torch files, Spark folders), which the platform never loads.
    /// </summary>
    public string? NotServableReason => OnnxModelFile is not null
        ? null
        : Flavors.Count == 1
            ? $"MLmodel flavor {Flavors[0]} is Python-only; not servable by this platform"
            : $"MLmodel flavors {string.Join(", ", Flavors)} are Python-only; not servable by this platform";
}
