using Microsoft.ML.OnnxRuntime;
using MlOps.Orleans.Contracts.Common;

namespace MlOps.Orleans.Models;

/// <summary>The half of package validation that needs ONNX Runtime: load, compare signatures, run the example.</summary>
internal static class OnnxPackageCheck
{
    /// <summary>Why the model file does not fit the manifest, or null when it does.</summary>
    public static string? FindProblem(string modelPath, ModelManifest manifest) =>
        FindProblem(modelPath, manifest.ModelFile, _ => manifest, "the manifest");

    /// <summary>Why the model file does not fit what a package declares, or null when it does.</summary>
    /// <param name="modelPath">The model file on disk.</param>
    /// <param name="modelFile">Its path in the package, the only one messages show.</param>
    /// <param name="declare">The manifest to check, given the model's real signature (an MLmodel's column signature
    /// means nothing until it is mapped onto the graph's inputs); throws <see cref="MlopsException"/> when it cannot be stated.</param>
    /// <param name="declaredIn">Where the declaration comes from, for messages: "the manifest".</param>
    public static string? FindProblem(string modelPath, string modelFile, Func<ModelSignature, ModelManifest> declare, string declaredIn)
    {
        InferenceSession session;
        try
        {
            session = new InferenceSession(modelPath);
        }
        catch (OnnxRuntimeException ex)
        {
            // The server's own folder layout is none of the package author's business.
            return $"ONNX Runtime cannot load model file '{modelFile}': {ex.Message.Replace(modelPath, modelFile, StringComparison.Ordinal)}";
        }

        using (session)
        {
            ModelSignature actual;
            ModelManifest manifest;
            try
            {
                actual = OnnxSignatureReader.Read(session);
                manifest = declare(actual);
            }
            catch (MlopsException ex)
            {
                return ex.Message;
            }

            return SignatureComparer.FindMismatch(manifest.Signature, actual, declaredIn)
                ?? (manifest.InputExample is null ? null : RunExample(session, manifest));
        }
    }

    private static string? RunExample(InferenceSession session, ModelManifest manifest)
    {
        IReadOnlyList<ExampleTensor> tensors;
        try
        {
            tensors = InputExampleParser.Parse(manifest.InputExample!, manifest.Signature.Inputs);
        }
        catch (MlopsException ex)
        {
            return ex.Message;
        }

        var inputs = new Dictionary<string, OrtValue>(StringComparer.Ordinal);
        try
        {
            foreach (var tensor in tensors)
            {
                inputs[tensor.Name] = tensor.ToOrtValue();
            }

            using var runOptions = new RunOptions();
            using var outputs = session.Run(runOptions, inputs, session.OutputNames);
            return null;
        }
        catch (OnnxRuntimeException ex)
        {
            return $"the model fails on input_example: {ex.Message}";
        }
        finally
        {
            foreach (var value in inputs.Values)
            {
                value.Dispose();
            }
        }
    }
}
