using System.Reflection;
using System.Runtime.CompilerServices;

namespace MlOps.Orleans.Tests.WireFormat;

/// <summary>
/// Every [GenerateSerializer] type: its wire identity, its kind, and its [Id(n)] → member map. Orleans' codecs write
/// fields by id, so an id that changes or is reused breaks every peer and every stored grain state; names do not travel.
/// </summary>
internal static class SerializerTypesSection
{
    public const string NoAlias = "(no alias: full name is the wire identity)";

    public static void Write(SnapshotWriter writer, WireTypeNames names)
    {
        writer.Section("serializer types ([GenerateSerializer]: wire identity, kind, [Id] -> member: wire type)");
        foreach (var (type, identity) in WireContracts.SerializerTypes.Select(t => (t, names.Of(t))).OrderBy(x => x.Item2, StringComparer.Ordinal))
        {
            var marker = WireTypeNames.AliasOf(type) is null ? " " + NoAlias : "";
            writer.Line($"{identity}  {Kind(type)}{marker}");
            if (type.BaseType is { } baseType && baseType != typeof(object) && baseType != typeof(ValueType) && baseType != typeof(Enum))
            {
                writer.Line($"  base {names.Of(baseType)}");
            }

            foreach (var (id, name, memberType) in WireContracts.IdMembers(type))
            {
                writer.Line($"  {id}  {name}: {names.Of(memberType)}");
            }
        }
    }

    /// <summary>Records and plain classes serialize alike, but the kind says whether positional members and value equality come with it.</summary>
    private static string Kind(Type type)
    {
        if (type.IsEnum) return "enum";
        // The compiler marks records by these generated members; there is no attribute for it.
        var isRecord = type.IsValueType
            ? type.GetMethod("PrintMembers", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public) is { } print && print.IsDefined(typeof(CompilerGeneratedAttribute))
            : type.GetMethod("<Clone>$") is not null;
        return (type.IsValueType, isRecord) switch
        {
            (true, true) => "record struct",
            (true, false) => "struct",
            (false, true) => "record",
            (false, false) => type.IsInterface ? "interface" : "class",
        };
    }
}
