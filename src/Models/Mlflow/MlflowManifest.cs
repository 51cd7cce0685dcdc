using System.Globalization;
using MlOps.Orleans.Contracts.Common;

namespace MlOps.Orleans.Models.Mlflow;

/// <summary>
/// States an onnx-flavor MLmodel as the manifest it amounts to, so that ONNX Runtime checks it exactly as it checks
/// <c>mlops-model.json</c>. It needs the model's real signature: a column spec says nothing about tensors until it is
/// mapped onto the graph's inputs, and an unnamed tensor takes the name of the graph's only input or output.
/// </summary>
internal static class MlflowManifest
{
    public static ModelManifest From(MlflowModel model, ModelSignature actual, string folder)
    {
        ColumnMapping? columns = null;
        var inputs = actual.Inputs;
        if (model.Inputs is { IsTensorSpec: true } tensorInputs)
        {
            inputs = Tensors(tensorInputs.Tensors, actual.Inputs, "input");
        }
        else if (model.Inputs is { } columnInputs)
        {
            columns = Map(columnInputs.Columns, actual.Inputs);
        }

        // A column spec of outputs describes the table MLflow's Python wrapper returns, not the graph's outputs: the
        // platform answers with the graph's, so only a tensor spec of outputs is held to them.
        var outputs = model.Outputs is { IsTensorSpec: true } tensorOutputs ? Tensors(tensorOutputs.Tensors, actual.Outputs, "output") : actual.Outputs;
        var example = model.InputExampleFile is { } path ? MlflowExample.Read(folder, path, columns, inputs) : null;
        return new ModelManifest(
            ModelManifest.CurrentFormatVersion, ModelManifest.OnnxFlavor, model.OnnxModelFile!, new ModelSignature(inputs, outputs), Metadata(model), example);
    }

    private static TensorSpec[] Tensors(IReadOnlyList<MlflowTensor> tensors, IReadOnlyList<TensorSpec> actual, string kind)
    {
        var field = $"{MlmodelFile.FileName} field signature.{kind}s";
        return tensors.Select(tensor =>
        {
            var name = tensor.Name ?? (tensors.Count == 1 && actual.Count == 1
                ? actual[0].Name
                : throw Invalid($"{field} has an unnamed tensor, which can stand only for a model's single {kind}; the model has {actual.Count}"));
            var type = MlflowTypes.FromDtype(tensor.Dtype)
                ?? throw Invalid($"{field} tensor '{name}' has dtype '{tensor.Dtype}', which no ONNX tensor holds; dtypes are {MlflowTypes.DtypeNames}");
            return new TensorSpec(name, type, tensor.Shape);
        }).ToArray();
    }

    private static ColumnMapping Map(IReadOnlyList<MlflowColumn> columns, IReadOnlyList<TensorSpec> inputs)
    {
        try
        {
            return ColumnMapper.Map(columns, inputs);
        }
        catch (MlopsException ex)
        {
            throw Invalid($"{MlmodelFile.FileName} field signature.inputs does not fit the model's ONNX inputs: {ex.Message}");
        }
    }

    // The MLmodel does not say what trained the model, only what wrote the package.
    private static ModelMetadata Metadata(MlflowModel model)
    {
        var created = DateTimeOffset.TryParse(model.CreatedAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at
            : DateTimeOffset.UnixEpoch;
        var properties = new Dictionary<string, string>(StringComparer.Ordinal) { ["package_format"] = MlmodelFile.FileName };
        if (model.OnnxVersion is { } onnxVersion)
        {
            properties["onnx_version"] = onnxVersion;
        }

        return new ModelMetadata("MLflow", created, model.MlflowVersion, properties);
    }

    private static MlopsException Invalid(string reason) => MlopsException.Invalid(MlmodelFile.FileName, reason);
}
