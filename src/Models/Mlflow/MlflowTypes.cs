namespace MlOps.Orleans.Models.Mlflow;

/// <summary>MLflow's type names, as the onnx flavor can serve them, in the platform's element types.</summary>
public static class MlflowTypes
{
    /// <summary>The column types an ONNX tensor can hold, for messages.</summary>
    public const string ColumnTypeNames = "boolean, integer, long, float, double, string";

    /// <summary>The tensor dtypes an ONNX tensor can hold, for messages.</summary>
    public const string DtypeNames = "bool, int8, int16, int32, int64, uint8, uint16, uint32, uint64, float16, float32, float64, str, object";

    /// <summary>A column type's element type, or null for one no ONNX tensor holds (binary, datetime, array, object, map, any).</summary>
    public static ElementType? FromColumnType(string type) => type switch
    {
        "boolean" => ElementType.Bool,
        "integer" => ElementType.Int32,
        "long" => ElementType.Int64,
        "float" => ElementType.Float32,
        "double" => ElementType.Float64,
        "string" => ElementType.String,
        _ => null,
    };

    /// <summary>
    /// A numpy dtype's element type, or null for one no ONNX tensor holds. <c>object</c> is how numpy carries strings
    /// to ONNX Runtime's string tensors, so it maps to <see cref="ElementType.String"/>.
    /// </summary>
    public static ElementType? FromDtype(string dtype) => dtype switch
    {
        "bool" => ElementType.Bool,
        "int8" => ElementType.Int8,
        "int16" => ElementType.Int16,
        "int32" => ElementType.Int32,
        "int64" => ElementType.Int64,
        "uint8" => ElementType.UInt8,
        "uint16" => ElementType.UInt16,
        "uint32" => ElementType.UInt32,
        "uint64" => ElementType.UInt64,
        "float16" => ElementType.Float16,
        "float32" => ElementType.Float32,
        "float64" => ElementType.Float64,
        "str" or "object" => ElementType.String,
        _ => null,
    };
}
