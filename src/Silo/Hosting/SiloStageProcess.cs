using MlOps.Orleans.Gateway.Timing;
using MlOps.Orleans.Hosting;

namespace MlOps.Orleans.Silo.Hosting;

/// <summary>Names this silo in <c>/debug/stages</c>, so timings read from several processes of a cluster stay apart.</summary>
internal sealed class SiloStageProcess(ILocalSiloDetails silo, MlopsOptions options) : IStageProcess
{
    public string Role => options.IsCluster ? "silo" : "embedded";

    public string? Silo => $"{silo.Name} {silo.SiloAddress}";
}
