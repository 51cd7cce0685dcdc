using System.Reflection;
using Google.Protobuf.Reflection;
using MlOps.Orleans.Contracts.Features;
using MlOps.Orleans.Contracts.Features.Materialization;
using MlOps.Orleans.Contracts.Features.Online;
using MlOps.Orleans.Contracts.Registry;
using MlOps.Orleans.Contracts.Tracking;
using ProtoFeatures = MlOps.Orleans.Protos.Features.V1;
using ProtoRegistry = MlOps.Orleans.Protos.Registry.V1;
using ProtoTracking = MlOps.Orleans.Protos.Tracking.V1;

namespace MlOps.Orleans.Tests.WireFormat;

/// <summary>
/// Enum numbers: Orleans writes an enum as its number (names never travel), the catalog stores several of them, and the
/// gateway converts some to and from protobuf enums by number. Renumbering a member is therefore a wire change even when
/// every name stays.
/// </summary>
internal static class ContractEnumsSection
{
    /// <summary>
    /// Contract enums that src/Gateway converts to and from a protobuf enum by number (a cast through int in the mappers), so
    /// the two must keep the same numbers. Enums the gateway maps name by name in a switch (LifecycleStage, ViewType,
    /// PushTarget) are not listed: renumbering one side of those cannot silently change a value.
    /// </summary>
    private static readonly (Type Contract, Type Proto)[] MappedByNumber =
    [
        (typeof(FeatureValueType), typeof(ProtoFeatures.ValueType)),
        (typeof(DefinitionKind), typeof(ProtoFeatures.DefinitionKind)),
        (typeof(PlanAction), typeof(ProtoFeatures.PlanAction)),
        (typeof(SourceFormat), typeof(ProtoFeatures.SourceFormat)),
        (typeof(FeatureStatus), typeof(ProtoFeatures.FeatureStatus)),
        (typeof(MaterializationStatus), typeof(ProtoFeatures.MaterializationStatus)),
        (typeof(ModelVersionStatus), typeof(ProtoRegistry.ModelVersionStatus)),
        (typeof(ModelStage), typeof(ProtoRegistry.Stage)),
        (typeof(PromotionDecision), typeof(ProtoRegistry.PromotionDecision)),
        (typeof(RunStatus), typeof(ProtoTracking.RunStatus)),
    ];

    public static void Write(SnapshotWriter writer, WireTypeNames names)
    {
        writer.Section("contract enums (number = member; Orleans writes the number)");
        var enums = WireContracts.ContractEnums
            .Select(t => (Type: t, Identity: names.Of(t)))
            .OrderBy(e => e.Identity, StringComparer.Ordinal);
        foreach (var (type, identity) in enums)
        {
            var marker = WireTypeNames.AliasOf(type) is null ? " " + SerializerTypesSection.NoAlias : "";
            writer.Line($"{identity}  enum : {names.Of(Enum.GetUnderlyingType(type))}{marker}");
            foreach (var (number, name) in Members(type)) writer.Line($"  {number} = {name}");
        }

        writer.Section("protobuf enums the gateway maps by number to a contract enum (number: proto name <-> contract name)");
        var protoEnums = ProtoEnums();
        foreach (var (contract, proto) in MappedByNumber.OrderBy(p => protoEnums[p.Proto].FullName, StringComparer.Ordinal))
        {
            var descriptor = protoEnums[proto];
            writer.Line($"{descriptor.FullName} <-> {names.Of(contract)}");
            var protoNames = descriptor.Values.ToDictionary(v => (long)v.Number, v => v.Name);
            var contractNames = Members(contract).ToDictionary(m => m.Number, m => m.Name);
            foreach (var number in protoNames.Keys.Union(contractNames.Keys).Order())
            {
                writer.Line($"  {number}: {protoNames.GetValueOrDefault(number, "(none)")} <-> {contractNames.GetValueOrDefault(number, "(none)")}");
            }
        }
    }

    private static IEnumerable<(long Number, string Name)> Members(Type type) => type
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (Number: Convert.ToInt64(f.GetRawConstantValue(), System.Globalization.CultureInfo.InvariantCulture), f.Name))
        .OrderBy(m => m.Number)
        .ThenBy(m => m.Name, StringComparer.Ordinal);

    /// <summary>Protobuf's own descriptors (proto names and numbers as in the .proto files) keyed by their generated C# enum.</summary>
    private static Dictionary<Type, EnumDescriptor> ProtoEnums()
    {
        var files = MappedByNumber.Select(p => p.Proto.Assembly).Distinct()
            .SelectMany(a => a.GetTypes())
            .Select(t => t.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static)?.GetValue(null))
            .OfType<FileDescriptor>();
        return files
            .SelectMany(f => f.EnumTypes.Concat(f.MessageTypes.SelectMany(NestedEnums)))
            .ToDictionary(e => e.ClrType, e => e);

        static IEnumerable<EnumDescriptor> NestedEnums(MessageDescriptor message) =>
            message.EnumTypes.Concat(message.NestedTypes.SelectMany(NestedEnums));
    }
}
