using System.Reflection;
using Orleans.Runtime;
using Orleans.Serialization.Invocation;

namespace MlOps.Orleans.Tests.WireFormat;

/// <summary>
/// Every grain interface: the GrainInterfaceType Orleans resolves for it, its key kind, and per method the identity of the
/// call on the wire. A call travels as an instance of a generated invokable class, named on the wire by its compound alias
/// ("inv", proxy base, interface identity, method id). The method id is the method's [Alias] when it has one, else a hash of
/// the namespace-qualified signature, which is why a method without an alias changes on the wire when a namespace moves.
/// The alias-less hash is registered too for methods with an alias, but never written, so it is not printed.
/// </summary>
internal static class GrainInterfacesSection
{
    /// <summary>Orleans' manifest entries that repeat the C# name or assembly; they are diagnostics, not identities.</summary>
    private static readonly string[] DiagnosticProperties = ["type-name", "full-type-name"];

    public static void Write(SnapshotWriter writer, OrleansMetadata orleans, WireTypeNames names)
    {
        writer.Section("grain interfaces (GrainInterfaceType, key; per method: alias, parameters -> result, call identity on the wire)");
        var calls = CallIdentities(orleans, names);
        var interfaces = WireContracts.GrainInterfaces
            .Select(t => (Type: t, Id: orleans.GrainInterfaceTypes.GetGrainInterfaceType(t)))
            .OrderBy(i => i.Id.ToString(), StringComparer.Ordinal);
        foreach (var (type, id) in interfaces)
        {
            var marker = WireTypeNames.AliasOf(type) is null ? " (no alias: Orleans uses the full name)" : "";
            writer.Line($"{id}  key {KeyKind(type)}{marker}");
            var bases = type.GetInterfaces()
                .Where(i => typeof(IAddressable).IsAssignableFrom(i) && i != typeof(IAddressable))
                .Select(i => orleans.GrainInterfaceTypes.GetGrainInterfaceType(i).ToString())
                .Order(StringComparer.Ordinal);
            writer.Line($"  extends {string.Join(", ", bases)}");
            if (orleans.Manifest.Interfaces.TryGetValue(id, out var properties))
            {
                foreach (var (key, value) in ManifestProperties(properties.Properties)) writer.Line($"  manifest {key}={value}");
            }
            else
            {
                writer.Line("  (missing from Orleans' grain manifest: no code was generated for it)");
            }

            foreach (var method in WireContracts.Methods(type))
            {
                var alias = method.GetCustomAttribute<AliasAttribute>()?.Alias is { } a ? $"alias {a}" : "no alias";
                var parameters = string.Join(", ", method.GetParameters().Select(p => names.Of(p.ParameterType)));
                writer.Line($"  {method.Name}  {alias}  ({parameters}) -> {names.OfReturn(method.ReturnType)}");
                foreach (var call in calls.GetValueOrDefault(method, ["(no invokable generated)"])) writer.Line($"    call {call}");
            }
        }
    }

    /// <summary>What Orleans derives the activation key from; the key kind decides how a grain id is written.</summary>
    private static string KeyKind(Type type) => type switch
    {
        _ when typeof(IGrainWithGuidCompoundKey).IsAssignableFrom(type) => "guid+string",
        _ when typeof(IGrainWithIntegerCompoundKey).IsAssignableFrom(type) => "integer+string",
        _ when typeof(IGrainWithGuidKey).IsAssignableFrom(type) => "guid",
        _ when typeof(IGrainWithIntegerKey).IsAssignableFrom(type) => "integer",
        _ when typeof(IGrainWithStringKey).IsAssignableFrom(type) => "string",
        _ when typeof(IGrainObserver).IsAssignableFrom(type) => "observer",
        _ when typeof(IGrain).IsAssignableFrom(type) => "none (IGrain)",
        _ => "none (addressable)",
    };

    internal static IEnumerable<(string Key, string Value)> ManifestProperties(IEnumerable<KeyValuePair<string, string>> properties) => properties
        .Where(p => !DiagnosticProperties.Contains(p.Key, StringComparer.Ordinal) && !p.Key.StartsWith("diag.", StringComparison.Ordinal))
        .Select(p => (p.Key, p.Value))
        .OrderBy(p => p.Key, StringComparer.Ordinal);

    /// <summary>
    /// The generated invokables of our assemblies, by the interface method each one calls, named as Orleans' type converter
    /// writes them: exactly the string a peer must resolve to dispatch the call.
    /// </summary>
    private static Dictionary<MethodInfo, List<string>> CallIdentities(OrleansMetadata orleans, WireTypeNames names)
    {
        var calls = new Dictionary<MethodInfo, List<string>>();
        var invokables = WireAssemblies.Types().Where(t =>
            t is { IsClass: true, IsAbstract: false, ContainsGenericParameters: false }
            && typeof(IInvokable).IsAssignableFrom(t)
            && t.IsDefined(typeof(CompoundTypeAliasAttribute), inherit: false)
            && t.GetConstructor(Type.EmptyTypes) is not null);
        foreach (var type in invokables)
        {
            // The generated class knows its MethodInfo; asking it avoids re-deriving Orleans' hashed method ids.
            var invokable = (IInvokable)Activator.CreateInstance(type)!;
            var method = invokable.GetMethod();
            invokable.Dispose();
            if (!calls.TryGetValue(method, out var list)) calls[method] = list = [];
            list.Add(names.Of(type));
            list.Sort(StringComparer.Ordinal);
        }

        return calls;
    }
}
