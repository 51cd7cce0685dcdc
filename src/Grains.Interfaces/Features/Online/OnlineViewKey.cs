namespace MlOps.Orleans.Contracts.Features.Online;

/// <summary>
/// The identity of one view version's online data. Versions of a view are immutable, so a breaking change gives a new key
/// (and new storage) while the old one is dropped; the backends never mix rows of two versions.
/// </summary>
[GenerateSerializer, Immutable]
[Alias("mlops.features.online.OnlineViewKey")]
public sealed record OnlineViewKey([property: Id(0)] string View, [property: Id(1)] int Version)
{
    public override string ToString() => $"{View}@{Version}";
}
