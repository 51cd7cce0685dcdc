using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace MlOps.Orleans.Models;

/// <summary>One input of an input example, checked and flattened, ready to hand to ONNX Runtime.</summary>
/// <param name="Name">The input's name.</param>
/// <param name="Shape">The size of each dimension, as the nested arrays gave it.</param>
/// <param name="Values">The elements in row-major order, as an array of the input's element type.</param>
internal sealed record ExampleTensor(string Name, long[] Shape, Array Values)
{
    /// <summary>Wraps the values without copying; the caller disposes the result.</summary>
    public OrtValue ToOrtValue() => Values switch
    {
        float[] values => OrtValue.CreateTensorValueFromMemory(values, Shape),
        double[] values => OrtValue.CreateTensorValueFromMemory(values, Shape),
        Float16[] values => OrtValue.CreateTensorValueFromMemory(values, Shape),
        BFloat16[] values => OrtValue.CreateTensorValueFromMemory(values, Shape),
        sbyte[] values => OrtValue.CreateTensorValueFromMemory(values, Shape),
        short[] values => OrtValue.CreateTensorValueFromMemory(values, Shape),
        int[] values => OrtValue.CreateTensorValueFromMemory(values, Shape),
        long[] values => OrtValue.CreateTensorValueFromMemory(values, Shape),
        byte[] values => OrtValue.CreateTensorValueFromMemory(values, Shape),
        ushort[] values => OrtValue.CreateTensorValueFromMemory(values, Shape),
        uint[] values => OrtValue.CreateTensorValueFromMemory(values, Shape),
        ulong[] values => OrtValue.CreateTensorValueFromMemory(values, Shape),
        bool[] values => OrtValue.CreateTensorValueFromMemory(values, Shape),
        string[] values => OrtValue.CreateFromStringTensor(
            new DenseTensor<string>(values, Shape.Select(size => checked((int)size)).ToArray())),
        _ => throw new InvalidOperationException($"no ONNX tensor for {Values.GetType()}"),
    };
}
