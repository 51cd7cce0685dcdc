using System.Security.Cryptography;
using System.Text;
using MlOps.Orleans.Contracts.Features;

namespace MlOps.Orleans.Features.Definitions;

/// <summary>
/// SHA-256 (lower-case hex) of the canonical JSON of the versioned part of a spec. Two specs with the same digest are the
/// same version; metadata (description, tags, owner, online flag, field descriptions) does not enter it.
/// </summary>
public static class DefinitionDigest
{
    public static string Compute(object spec) => Hash(DefinitionJson.SerializeVersioned(spec));

    public static string Compute(EntitySpec spec) => Compute((object)spec);

    public static string Compute(DataSourceSpec spec) => Compute((object)spec);

    public static string Compute(FeatureViewSpec spec) => Compute((object)spec);

    public static string Compute(OnDemandFeatureViewSpec spec) => Compute((object)spec);

    public static string Compute(FeatureServiceSpec spec) => Compute((object)spec);

    private static string Hash(string json) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)));
}
