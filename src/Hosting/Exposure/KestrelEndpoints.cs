using Microsoft.Extensions.Configuration;

namespace MlOps.Orleans.Hosting.Exposure;

/// <summary>
/// Kestrel also binds every endpoint listed under <c>Kestrel:Endpoints</c> in configuration (environment
/// <c>Kestrel__Endpoints__Name__Url</c>, appsettings), in addition to the ones this process listens on in code
/// (measured: <c>Kestrel__Endpoints__Extra__Url=http://0.0.0.0:port</c> opened a listener on all interfaces next to the
/// loopback ones). Such a listener would pass both the loopback guard and the exposure warning unseen, so a process listens
/// only where <c>Mlops:BindAddress</c>, <c>Mlops:HttpPort</c> and <c>Mlops:GrpcPort</c> say and refuses the section.
/// (<c>ASPNETCORE_URLS</c>, <c>--urls</c> and <c>HTTP_PORTS</c> need no check: code-defined listeners override them.)
/// </summary>
public static class KestrelEndpoints
{
    public const string Section = "Kestrel:Endpoints";

    /// <summary>Each configured endpoint as <c>Kestrel:Endpoints:Name (url)</c>; empty when there is none.</summary>
    public static IReadOnlyList<string> Configured(IConfiguration configuration) =>
        configuration.GetSection(Section).GetChildren().Select(e => $"{Section}:{e.Key} ({e["Url"] ?? "no Url"})").ToList();

    /// <summary>The refusal naming every configured endpoint, or null when there is none.</summary>
    public static string? Problem(IReadOnlyList<string> configured) =>
        configured.Count == 0
            ? null
            : $"{string.Join(", ", configured)}: endpoints from the {Section} section are refused, because they would listen beside " +
              "Mlops:BindAddress unchecked by the loopback guard; set Mlops:BindAddress, Mlops:HttpPort and Mlops:GrpcPort instead";
}
