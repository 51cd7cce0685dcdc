using Orleans.Metadata;
using Orleans.Runtime;

namespace MlOps.Orleans.Tests.WireFormat;

/// <summary>
/// Every grain class: the GrainType Orleans resolves for it (it is part of every grain id on the wire and in the
/// directory and storage), the grain interfaces it serves as the silo advertises them, and the other manifest
/// properties peers act on (placement, stateless worker settings).
/// </summary>
internal static class GrainClassesSection
{
    public static void Write(SnapshotWriter writer, OrleansMetadata orleans)
    {
        writer.Section("grain classes (GrainType <- grain interfaces it serves; manifest properties)");
        var classes = WireContracts.GrainClasses
            .Select(t => (Type: t, GrainType: orleans.GrainTypes.GetGrainType(t).ToString()))
            .OrderBy(g => g.GrainType, StringComparer.Ordinal);
        foreach (var (type, grainType) in classes)
        {
            var explicitType = type.IsDefined(typeof(GrainTypeAttribute), inherit: false) ? "" : " (no [GrainType]: Orleans' default from the class name)";
            writer.Line($"{grainType}{explicitType}");
            if (!orleans.Manifest.Grains.TryGetValue(GrainType.Create(grainType), out var properties))
            {
                writer.Line("  (missing from Orleans' grain manifest: no code was generated for it)");
                continue;
            }

            var all = GrainInterfacesSection.ManifestProperties(properties.Properties).ToList();
            // interface.0, interface.1, ... follow reflection order; the set is what matters, so it is printed sorted.
            var interfaces = all.Where(p => p.Key.StartsWith(WellKnownGrainTypeProperties.ImplementedInterfacePrefix, StringComparison.Ordinal))
                .Select(p => p.Value)
                .Order(StringComparer.Ordinal);
            writer.Line($"  serves {string.Join(", ", interfaces)}");
            foreach (var (key, value) in all.Where(p => !p.Key.StartsWith(WellKnownGrainTypeProperties.ImplementedInterfacePrefix, StringComparison.Ordinal)))
            {
                writer.Line($"  manifest {key}={value}");
            }
        }

        // A grain of ours that Orleans lists but reflection did not find would be invisible above.
        var found = classes.Select(c => c.GrainType).ToHashSet(StringComparer.Ordinal);
        var ourAssemblies = WireAssemblies.All.Select(a => a.GetName().Name).ToHashSet(StringComparer.Ordinal);
        foreach (var (grainType, properties) in orleans.Manifest.Grains.OrderBy(g => g.Key.ToString(), StringComparer.Ordinal))
        {
            if (properties.Properties.TryGetValue("diag.asm", out var assembly) && ourAssemblies.Contains(assembly) && !found.Contains(grainType.ToString()))
            {
                writer.Line($"{grainType} (in Orleans' manifest only)");
            }
        }
    }
}
