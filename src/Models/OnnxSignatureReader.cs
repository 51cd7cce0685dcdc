using Microsoft.ML.OnnxRuntime;
using MlOps.Orleans.Contracts.Common;

namespace MlOps.Orleans.Models;

/// <summary>Reads the signature a model really has, as ONNX Runtime sees it, in the manifest's terms.</summary>
public static class OnnxSignatureReader
{
    /// <summary>
    /// The inputs and outputs of <paramref name="session"/>, in graph order; symbolic and unknown dimensions become -1.
    /// </summary>
    /// <exception cref="MlopsException">An input or output is not a tensor, or has an element type the format lacks.</exception>
    public static ModelSignature Read(InferenceSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return new ModelSignature(
            Read("input", session.InputNames, session.InputMetadata),
            Read("output", session.OutputNames, session.OutputMetadata));
    }

    private static TensorSpec[] Read(string kind, IReadOnlyList<string> names, IReadOnlyDictionary<string, NodeMetadata> nodes) =>
        names.Select(name => ToSpec(kind, name, nodes[name])).ToArray();

    private static TensorSpec ToSpec(string kind, string name, NodeMetadata node)
    {
        if (!node.IsTensor)
        {
            throw MlopsException.Invalid(
                "model_file", $"{kind} '{name}' is a {node.OnnxValueType}; only tensor inputs and outputs are supported");
        }

        var type = OnnxElementTypes.FromOnnx(node.ElementDataType)
            ?? throw MlopsException.Invalid(
                "model_file", $"{kind} '{name}' has element type {node.ElementDataType}, which the package format lacks");
        return new TensorSpec(name, type, node.Dimensions.Select(size => size < 0 ? -1L : size).ToArray());
    }
}
