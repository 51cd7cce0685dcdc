using System.Text.RegularExpressions;

// The namespace is WireFormat, not Wire: many tests alias the protobuf namespaces as "Wire", and a namespace
// MlOps.Orleans.Tests.Wire would shadow that alias everywhere under MlOps.Orleans.Tests.
using MlOps.Orleans.Tests.Infrastructure;

namespace MlOps.Orleans.Tests.WireFormat;

/// <summary>
/// Guards what other processes see of our contracts (other silos, clients, stored grain state) against accidental change,
/// e.g. while namespaces move: the generated snapshot must equal the committed tests/wire-snapshot.txt.
/// </summary>
[Trait("Category", Category.Unit)]
public sealed partial class WireSnapshotTests
{
    /// <summary>
    /// Contracts without an explicit namespaced alias today. Adding one now would itself change the wire, so they are
    /// tolerated by name; anything new must carry an alias. Empty means every contract has one.
    /// </summary>
    private static readonly HashSet<string> WithoutAliasAllowed = new(StringComparer.Ordinal);

    [Fact]
    public void Generated_wire_snapshot_equals_the_committed_file()
    {
        var path = SnapshotFile.Locate();
        var generated = WireSnapshot.Generate();
        var committed = SnapshotFile.Read(path);
        if (committed == generated) return;

        if (SnapshotFile.UpdateRequested)
        {
            SnapshotFile.Write(path, generated);
            // Still red: a rewrite must be looked at (git diff) and committed, never accepted silently by a run that happened to set the variable.
            Assert.Fail($"{SnapshotFile.RelativePath} was rewritten from the build. Review `git diff {SnapshotFile.RelativePath}`, commit it, and rerun without {SnapshotFile.UpdateVariable}.");
        }

        var diff = committed is null ? $"{path} does not exist." : SnapshotFile.Diff(committed, generated);
        Assert.Fail(
            $"The wire snapshot differs from {SnapshotFile.RelativePath}: something other processes see has changed " +
            $"(- committed, + generated from this build):\n{diff}\n\n" +
            $"If the change is intended (and peers, stored state and old clients can cope with it), regenerate with\n" +
            $"  {SnapshotFile.UpdateVariable}=1 dotnet test tests/MlOps.Orleans.Tests --filter \"FullyQualifiedName~Wire\"\n" +
            $"then review and commit the file.");
    }

    [Fact]
    public void Every_serializer_type_contract_enum_and_grain_interface_has_a_namespaced_alias()
    {
        var contracts = WireContracts.SerializerTypes.Concat(WireContracts.ContractEnums).Concat(WireContracts.GrainInterfaces).Distinct();
        var offenders = contracts
            .Select(t => (Type: t, Alias: WireTypeNames.AliasOf(t)))
            .Where(c => !IsNamespacedAlias(c.Type, c.Alias) && !WithoutAliasAllowed.Contains(c.Type.FullName!))
            .Select(c => $"{c.Type.FullName}: {(c.Alias is null ? "no [Alias]" : $"[Alias(\"{c.Alias}\")] is not mlops.<area>.{c.Type.Name}")}")
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.True(offenders.Count == 0,
            "Without an [Alias] Orleans writes the full type name, so a namespace move breaks the wire. Give each one an alias " +
            "like [Alias(\"mlops.tracking.RunInfo\")] (lower-case area path, then the type name):\n  " + string.Join("\n  ", offenders));
        // An allow-list entry whose type got an alias (or was deleted) is stale and would let a new type slip by under its name.
        var stale = WithoutAliasAllowed.Where(name => !contracts.Any(t => t.FullName == name && WireTypeNames.AliasOf(t) is null)).ToList();
        Assert.True(stale.Count == 0, "Remove from the allow-list: " + string.Join(", ", stale));
    }

    /// <summary>"mlops." then lower-case segments, ending in the type's own name (without generic arity).</summary>
    private static bool IsNamespacedAlias(Type type, string? alias)
    {
        if (alias is null || !NamespacedAlias().IsMatch(alias)) return false;
        var name = type.Name.Split('`')[0];
        return alias.EndsWith("." + name, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^mlops(\.[a-z][a-z0-9]*)+\.[A-Z][A-Za-z0-9]*$")]
    private static partial Regex NamespacedAlias();
}
