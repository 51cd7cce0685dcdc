using System.Text.Json.Serialization;

namespace MlOps.Orleans.Models;

/// <summary>The element type of a tensor in a model signature, written in the manifest by its lower-case name.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ElementType>))]
public enum ElementType
{
    [JsonStringEnumMemberName("float32")] Float32 = 1,
    [JsonStringEnumMemberName("float64")] Float64,
    [JsonStringEnumMemberName("float16")] Float16,
    [JsonStringEnumMemberName("bfloat16")] BFloat16,
    [JsonStringEnumMemberName("int8")] Int8,
    [JsonStringEnumMemberName("int16")] Int16,
    [JsonStringEnumMemberName("int32")] Int32,
    [JsonStringEnumMemberName("int64")] Int64,
    [JsonStringEnumMemberName("uint8")] UInt8,
    [JsonStringEnumMemberName("uint16")] UInt16,
    [JsonStringEnumMemberName("uint32")] UInt32,
    [JsonStringEnumMemberName("uint64")] UInt64,
    [JsonStringEnumMemberName("bool")] Bool,
    [JsonStringEnumMemberName("string")] String,
}
