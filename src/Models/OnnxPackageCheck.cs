using Microsoft.ML.OnnxRuntime;
using MlOps.Orleans.Contracts.Common;

namespace MlOps.Orleans.Models;

/// <summary>The half of package validation that needs ONNX Runtime: load, compare signatures, run the example.</summary>
internal static class OnnxPackageCheck
{
    /// <summary>Why the model file does not fit the manifest, or null when it does.</summary>
    public static string? FindProblem(string modelPath, ModelManifest manifest)
    {
        InferenceSession session;
        try
        {
            session = new InferenceSession(modelPath);
        }
        catch (OnnxRuntimeException ex)
        {
            // The server's own folder layout is none of the package author's business.
            return $"ONNX Runtime cannot load model file '{manifest.ModelFile}': {ex.Message.Replace(modelPath, manifest.ModelFile, StringComparison.Ordinal)}";
        }

        using (session)
        {
            ModelSignature actual;
            try
            {
                actual = OnnxSignatureReader.Read(session);
            }
            catch (MlopsException ex)
            {
                return ex.Message;
            }

            return SignatureComparer.FindMismatch(manifest.Signature, actual)
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
