using MlOps.Orleans.Contracts.Tracking;
using Wire = MlOps.Orleans.Protos.Artifacts.V1;

namespace MlOps.Orleans.Gateway.Artifacts;

/// <summary>Catalog records to wire messages.</summary>
internal static class ArtifactMapper
{
    /// <summary>The catalog marks a directory of a one-level listing with a negative size.</summary>
    public static Wire.ArtifactInfo ToProto(ArtifactFile file) => file.Size < 0
        ? new Wire.ArtifactInfo { Path = file.Path, IsDir = true }
        : new Wire.ArtifactInfo { Path = file.Path, Size = file.Size, Sha256 = file.Sha256 };
}
