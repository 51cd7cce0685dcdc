using OnnxType = Microsoft.ML.OnnxRuntime.Tensors.TensorElementType;

namespace MlOps.Orleans.Models;

/// <summary>Maps ONNX Runtime's element types to the manifest's names.</summary>
internal static class OnnxElementTypes
{
    public static ElementType? FromOnnx(OnnxType type) => type switch
    {
        OnnxType.Float => ElementType.Float32,
        OnnxType.Double => ElementType.Float64,
        OnnxType.Float16 => ElementType.Float16,
        OnnxType.BFloat16 => ElementType.BFloat16,
        OnnxType.Int8 => ElementType.Int8,
        OnnxType.Int16 => ElementType.Int16,
        OnnxType.Int32 => ElementType.Int32,
        OnnxType.Int64 => ElementType.Int64,
        OnnxType.UInt8 => ElementType.UInt8,
        OnnxType.UInt16 => ElementType.UInt16,
        OnnxType.UInt32 => ElementType.UInt32,
        OnnxType.UInt64 => ElementType.UInt64,
        OnnxType.Bool => ElementType.Bool,
        OnnxType.String => ElementType.String,
        _ => null,
    };

    /// <summary>The name the manifest uses, for messages.</summary>
    public static string Name(ElementType type) => type.ToString().ToLowerInvariant();
}
