using System.Reflection;
using Orleans.Runtime;

namespace MlOps.Orleans.Tests.WireFormat;

/// <summary>Finds the contracts in our assemblies: serializer types, grain interfaces, grain classes, and the members that carry data.</summary>
internal static class WireContracts
{
    private const BindingFlags Declared = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;

    /// <summary>Every type Orleans generates a serializer for ([GenerateSerializer]).</summary>
    public static IReadOnlyList<Type> SerializerTypes { get; } = WireAssemblies.Types()
        .Where(t => t.IsDefined(typeof(GenerateSerializerAttribute), inherit: false))
        .ToList();

    /// <summary>
    /// Grain interfaces as Orleans' manifest sees them: interfaces that are <see cref="IAddressable"/> (grains, observers,
    /// grain extensions). Orleans' own marker interfaces live in Orleans' assemblies, so they are never ours.
    /// </summary>
    public static IReadOnlyList<Type> GrainInterfaces { get; } = WireAssemblies.Types()
        .Where(t => t.IsInterface && typeof(IAddressable).IsAssignableFrom(t))
        .ToList();

    /// <summary>
    /// Grain classes: concrete <see cref="IGrainBase"/> implementations (Orleans activates these by grain type). The generated
    /// proxies implement the grain interfaces too, but they are GrainReferences, not grains.
    /// </summary>
    public static IReadOnlyList<Type> GrainClasses { get; } = WireAssemblies.Types()
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IGrainBase).IsAssignableFrom(t) && !typeof(GrainReference).IsAssignableFrom(t))
        .ToList();

    /// <summary>The [Id(n)] members of a type, declared on the type itself (a base type's members are its own codec's business).</summary>
    /// <summary>Enums that are serializer types or appear in a contract member: their numbers travel, their names may too (boxed).</summary>
    public static IReadOnlyList<Type> ContractEnums { get; } = FindContractEnums();

    public static IEnumerable<(uint Id, string Name, Type Type)> IdMembers(Type type) =>
        type.GetFields(Declared).Select(f => (Member: (MemberInfo)f, Type: f.FieldType))
            .Concat(type.GetProperties(Declared).Select(p => (Member: (MemberInfo)p, Type: p.PropertyType)))
            .Select(m => (Attribute: m.Member.GetCustomAttribute<IdAttribute>(), m.Member.Name, m.Type))
            .Where(m => m.Attribute is not null)
            .Select(m => (m.Attribute!.Id, m.Name, m.Type))
            .OrderBy(m => m.Id)
            .ThenBy(m => m.Name, StringComparer.Ordinal);

    /// <summary>Methods Orleans makes callable on a grain interface: its own instance methods (inherited ones belong to their interface).</summary>
    public static IEnumerable<MethodInfo> Methods(Type grainInterface) => grainInterface
        .GetMethods(Declared)
        .OrderBy(m => m.Name, StringComparer.Ordinal)
        .ThenBy(m => string.Join(",", m.GetParameters().Select(p => p.ParameterType.FullName)), StringComparer.Ordinal);

    /// <summary>Every type that travels in a contract: [Id] members and grain method parameters and results, with their generic arguments and element types.</summary>
    public static IReadOnlySet<Type> ReachableTypes()
    {
        var roots = SerializerTypes.SelectMany(t => IdMembers(t).Select(m => m.Type))
            .Concat(GrainInterfaces.SelectMany(Methods).SelectMany(m => m.GetParameters().Select(p => p.ParameterType).Append(m.ReturnType)));
        var seen = new HashSet<Type>();
        var pending = new Stack<Type>(roots);
        while (pending.TryPop(out var type))
        {
            if (!seen.Add(type)) continue;
            if (type.HasElementType) pending.Push(type.GetElementType()!);
            if (type.IsGenericType) foreach (var argument in type.GetGenericArguments()) pending.Push(argument);
        }

        return seen;
    }

    private static List<Type> FindContractEnums()
    {
        var reachable = ReachableTypes();
        return WireAssemblies.Types()
            .Where(t => t.IsEnum && (t.IsDefined(typeof(GenerateSerializerAttribute), inherit: false) || reachable.Contains(t)))
            .ToList();
    }
}
