using System.Buffers.Binary;
using System.Text;
using MlOps.Orleans.Contracts.Features;
using MlOps.Orleans.Contracts.Features.Online;

namespace MlOps.Orleans.Features.Online.Store;

/// <summary>
/// The binary form of one stored row, shared by the backends (layout in docs/online-store.md):
/// <code>
/// [0]     format version (1)
/// [1]     flags: bit 0 = created timestamp present
/// [2..9]  event timestamp, UTC ticks, int64 little-endian
/// [10..17] created timestamp, UTC ticks (0 when absent, so absent sorts first)
/// varint  feature count
/// bitmap  ceil(count / 8) bytes, bit i set = value i is null
/// values  the non-null values in order: int32 4 B, int64 8 B, float32 4 B, float64 8 B, bool 1 B, timestamp 8 B (ticks),
///         string and bytes: varint length + bytes (UTF-8 for strings); all little-endian
/// </code>
/// The header is fixed across format versions: the Redis write script compares rows by bytes 2..17 without decoding.
/// </summary>
internal static class OnlineRowCodec
{
    public const byte FormatVersion = 1;
    public const int HeaderSize = 18;
    private const byte CreatedPresent = 1;

    public static byte[] Encode(OnlineViewLayout layout, OnlineRow row, string entityKey)
    {
        var features = layout.Features;
        var values = row.Values ?? throw Bad(layout, entityKey, "has no values");
        if (values.Length != features.Count)
        {
            throw Bad(layout, entityKey, $"has {values.Length} values for {features.Count} features");
        }
        var size = HeaderSize + VarintSize((uint)features.Count) + (features.Count + 7) / 8;
        for (var i = 0; i < values.Length; i++)
        {
            var v = values[i];
            if (v is null) continue;
            size += ValueSize(features[i].Type, v) ?? throw Bad(layout, entityKey,
                $"feature '{features[i].Name}' ({FeatureTypes.Name(features[i].Type)}) got a {v.GetType().Name}");
        }

        var buffer = new byte[size];
        var span = buffer.AsSpan();
        span[0] = FormatVersion;
        span[1] = row.CreatedTimestamp is null ? (byte)0 : CreatedPresent;
        BinaryPrimitives.WriteInt64LittleEndian(span[2..], Ticks(row.EventTimestamp));
        BinaryPrimitives.WriteInt64LittleEndian(span[10..], row.CreatedTimestamp is { } c ? Ticks(c) : 0);
        var pos = HeaderSize + WriteVarint(span[HeaderSize..], (uint)features.Count);
        var bitmap = span.Slice(pos, (features.Count + 7) / 8);
        pos += bitmap.Length;
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i] is { } v) pos += WriteValue(span[pos..], features[i].Type, v);
            else bitmap[i >> 3] |= (byte)(1 << (i & 7));
        }
        return buffer;
    }

    public static OnlineRow Decode(OnlineViewLayout layout, ReadOnlySpan<byte> data)
    {
        if (data.Length < HeaderSize || data[0] != FormatVersion)
        {
            throw new InvalidDataException($"online row of {layout.Key} has an unknown format (version byte {(data.Length > 0 ? data[0] : -1)})");
        }
        var eventTs = new DateTime(BinaryPrimitives.ReadInt64LittleEndian(data[2..]), DateTimeKind.Utc);
        DateTime? createdTs = (data[1] & CreatedPresent) != 0
            ? new DateTime(BinaryPrimitives.ReadInt64LittleEndian(data[10..]), DateTimeKind.Utc) : null;
        var pos = HeaderSize + ReadVarint(data[HeaderSize..], out var count);
        var features = layout.Features;
        if (count != features.Count)
        {
            // Versions are immutable, so a different count means the caller's layout is not the one the row was written with.
            throw new InvalidDataException($"online row of {layout.Key} has {count} features, the layout {features.Count}");
        }
        var bitmap = data.Slice(pos, (features.Count + 7) / 8);
        pos += bitmap.Length;
        var values = new object?[features.Count];
        for (var i = 0; i < values.Length; i++)
        {
            if ((bitmap[i >> 3] & (1 << (i & 7))) != 0) continue;
            values[i] = ReadValue(data, ref pos, features[i].Type);
        }
        return new OnlineRow(eventTs, createdTs, values);
    }

    /// <summary>The event and created ticks of an encoded row: the order newest-wins compares by.</summary>
    public static (long EventTicks, long CreatedTicks) Version(ReadOnlySpan<byte> data) =>
        (BinaryPrimitives.ReadInt64LittleEndian(data[2..]), BinaryPrimitives.ReadInt64LittleEndian(data[10..]));

    public static long Ticks(DateTime value) => (value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : value).Ticks;

    private static int? ValueSize(FeatureValueType type, object value) => (type, value) switch
    {
        (FeatureValueType.Int32, int) => 4,
        (FeatureValueType.Int64, long or int) => 8,
        (FeatureValueType.Float32, float) => 4,
        (FeatureValueType.Float64, double or float) => 8,
        (FeatureValueType.Bool, bool) => 1,
        (FeatureValueType.Timestamp, DateTime) => 8,
        (FeatureValueType.String, string s) => Sized(Encoding.UTF8.GetByteCount(s)),
        (FeatureValueType.Bytes, byte[] b) => Sized(b.Length),
        _ => null,
    };

    private static int Sized(int length) => VarintSize((uint)length) + length;

    private static int WriteValue(Span<byte> span, FeatureValueType type, object value)
    {
        switch (type)
        {
            case FeatureValueType.Int32:
                BinaryPrimitives.WriteInt32LittleEndian(span, (int)value);
                return 4;
            case FeatureValueType.Int64:
                BinaryPrimitives.WriteInt64LittleEndian(span, value is int i ? i : (long)value);
                return 8;
            case FeatureValueType.Float32:
                BinaryPrimitives.WriteSingleLittleEndian(span, (float)value);
                return 4;
            case FeatureValueType.Float64:
                BinaryPrimitives.WriteDoubleLittleEndian(span, value is float f ? f : (double)value);
                return 8;
            case FeatureValueType.Bool:
                span[0] = (bool)value ? (byte)1 : (byte)0;
                return 1;
            case FeatureValueType.Timestamp:
                BinaryPrimitives.WriteInt64LittleEndian(span, Ticks((DateTime)value));
                return 8;
            case FeatureValueType.String:
            {
                var s = (string)value;
                var n = WriteVarint(span, (uint)Encoding.UTF8.GetByteCount(s));
                return n + Encoding.UTF8.GetBytes(s, span[n..]);
            }
            default:
            {
                var b = (byte[])value;
                var n = WriteVarint(span, (uint)b.Length);
                b.CopyTo(span[n..]);
                return n + b.Length;
            }
        }
    }

    private static object ReadValue(ReadOnlySpan<byte> data, ref int pos, FeatureValueType type)
    {
        switch (type)
        {
            case FeatureValueType.Int32:
                pos += 4;
                return BinaryPrimitives.ReadInt32LittleEndian(data[(pos - 4)..]);
            case FeatureValueType.Int64:
                pos += 8;
                return BinaryPrimitives.ReadInt64LittleEndian(data[(pos - 8)..]);
            case FeatureValueType.Float32:
                pos += 4;
                return BinaryPrimitives.ReadSingleLittleEndian(data[(pos - 4)..]);
            case FeatureValueType.Float64:
                pos += 8;
                return BinaryPrimitives.ReadDoubleLittleEndian(data[(pos - 8)..]);
            case FeatureValueType.Bool:
                return data[pos++] != 0;
            case FeatureValueType.Timestamp:
                pos += 8;
                return new DateTime(BinaryPrimitives.ReadInt64LittleEndian(data[(pos - 8)..]), DateTimeKind.Utc);
            case FeatureValueType.String:
            {
                pos += ReadVarint(data[pos..], out var length);
                pos += (int)length;
                return Encoding.UTF8.GetString(data.Slice(pos - (int)length, (int)length));
            }
            case FeatureValueType.Bytes:
            {
                pos += ReadVarint(data[pos..], out var length);
                pos += (int)length;
                return data.Slice(pos - (int)length, (int)length).ToArray();
            }
            default:
                throw new InvalidDataException($"feature type {type} cannot be stored online");
        }
    }

    private static int VarintSize(uint value)
    {
        var n = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            n++;
        }
        return n;
    }

    private static int WriteVarint(Span<byte> span, uint value)
    {
        var n = 0;
        while (value >= 0x80)
        {
            span[n++] = (byte)(value | 0x80);
            value >>= 7;
        }
        span[n++] = (byte)value;
        return n;
    }

    private static int ReadVarint(ReadOnlySpan<byte> span, out uint value)
    {
        value = 0;
        for (var n = 0; n < 5; n++)
        {
            var b = span[n];
            value |= (uint)(b & 0x7F) << (7 * n);
            if (b < 0x80) return n + 1;
        }
        throw new InvalidDataException("online row has a malformed length");
    }

    private static ArgumentException Bad(OnlineViewLayout layout, string entityKey, string what) =>
        new($"row for entity '{entityKey}' of {layout.Key} {what}");
}
