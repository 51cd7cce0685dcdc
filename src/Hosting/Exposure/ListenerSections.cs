using Microsoft.Extensions.Configuration;

namespace MlOps.Orleans.Hosting.Exposure;

/// <summary>
/// Configuration sections through which Kestrel and Orleans open listeners of their own, beside the ones this process sets
/// in code from <c>Mlops:BindAddress</c>, <c>Mlops:AdvertisedAddress</c> and the <c>Mlops</c> ports. Tried on the silo:
/// <c>Kestrel__Endpoints__Extra__Url=http://0.0.0.0:port</c> added a listener on every interface, and
/// <c>Orleans__Endpoints__SiloListeningEndpoint</c>/<c>GatewayListeningEndpoint=0.0.0.0:port</c> moved the Orleans ports
/// there, with no refusal and no warning. Such listeners would pass the loopback guard and the exposure warning unseen,
/// so the sections are refused outright. (<c>ASPNETCORE_URLS</c>, <c>--urls</c> and <c>HTTP_PORTS</c> need no check:
/// Kestrel drops them for the listeners set in code, and logs that it did.)
/// </summary>
public static class ListenerSections
{
    public static readonly IReadOnlyList<string> Sections = ["Kestrel:Endpoints", "Orleans:Endpoints"];

    /// <summary>Each key set under <see cref="Sections"/> as <c>key=value</c>; empty when there is none.</summary>
    public static IReadOnlyList<string> Configured(IConfiguration configuration) =>
        Sections.SelectMany(s => configuration.GetSection(s).AsEnumerable())
            .Where(e => e.Value is not null)
            .Select(e => $"{e.Key}={e.Value}")
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>The refusal naming every such key, or null when there is none.</summary>
    public static string? Problem(IReadOnlyList<string> configured) =>
        configured.Count == 0
            ? null
            : $"{string.Join(", ", configured)}: listeners from the {string.Join(" and ", Sections)} sections are refused, because they " +
              "would bind beside Mlops:BindAddress, unchecked by the loopback guard; set Mlops:BindAddress, Mlops:AdvertisedAddress " +
              "and the Mlops ports (HttpPort, GrpcPort, SiloPort, OrleansGatewayPort, Observability:Port) instead";
}
