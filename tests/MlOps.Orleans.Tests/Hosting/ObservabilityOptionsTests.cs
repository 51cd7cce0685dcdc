using Microsoft.Extensions.Configuration;
using MlOps.Orleans.Hosting;
using MlOps.Orleans.Hosting.Observability;
using MlOps.Orleans.Tests.Infrastructure;

namespace MlOps.Orleans.Tests.Hosting;

/// <summary>
/// Mlops:Observability: on by default on loopback port 9464; a non-loopback address needs AllowClusterAddress, a wildcard is
/// never accepted, the port cannot be one of the API or Orleans ports, and OTLP export follows the standard variable.
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class ObservabilityOptionsTests
{
    private static MlopsOptions Load(params (string Key, string Value)[] settings) =>
        MlopsOptions.Load(new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build());

    [Fact]
    public void By_default_the_scrape_and_dashboard_listen_on_loopback_9464_and_nothing_is_pushed()
    {
        var o = Load().Observability;
        Assert.Equal(("127.0.0.1", 9464, true, false), (o.Address, o.Port, o.Listens, o.ServesDashboard));
        Assert.True(Load(("Mlops:Observability:Dashboard", "true")).Observability.ServesDashboard);
        Assert.False(o.Exports);
        Assert.True(Load().TimesStages);
    }

    [Fact]
    public void A_non_loopback_address_is_refused_with_the_setting_that_allows_it_named()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Load(("Mlops:Observability:Address", "10.0.0.7")));
        Assert.Contains("Mlops:Observability:Address 10.0.0.7 is not a loopback address", e.Message, StringComparison.Ordinal);
        Assert.Contains("set Mlops:Observability:AllowClusterAddress=true if 10.0.0.7 is reachable only inside the cluster", e.Message, StringComparison.Ordinal);

        var allowed = Load(("Mlops:Observability:Address", "10.0.0.7"), ("Mlops:Observability:AllowClusterAddress", "true")).Observability;
        Assert.False(allowed.IsLoopback);
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    public void A_wildcard_address_is_refused_even_when_cluster_addresses_are_allowed(string address)
    {
        var e = Assert.Throws<InvalidOperationException>(() =>
            Load(("Mlops:Observability:Address", address), ("Mlops:Observability:AllowClusterAddress", "true")));
        Assert.Contains($"Mlops:Observability:Address {address} listens on every interface", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Mlops:Observability:Port", "5000", "is also Mlops:HttpPort")]
    [InlineData("Mlops:Observability:Port", "11111", "is also Mlops:SiloPort")]
    [InlineData("Mlops:Observability:Port", "70000", "must be 0 (off) or between 1 and 65535")]
    [InlineData("Mlops:Observability:Address", "metrics-host", "is not an IP address")]
    [InlineData("Mlops:Observability:OtlpEndpoint", "collector:4317", "is not an http(s) URI")]
    [InlineData("Mlops:Observability:LogFormat", "xml", "must be 'simple' or 'json'")]
    public void Bad_settings_are_named(string key, string value, string mention)
    {
        var e = Assert.Throws<InvalidOperationException>(() => Load((key, value)));
        Assert.Contains(mention, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Port_0_turns_the_listener_off_and_stage_timing_with_it_unless_something_else_reads_it()
    {
        var off = Load(("Mlops:Observability:Port", "0"));
        Assert.False(off.Observability.Listens);
        Assert.False(off.Observability.ServesDashboard);
        Assert.False(off.TimesStages);
        Assert.True(Load(("Mlops:Observability:Port", "0"), ("Mlops:EnableDiagnostics", "true")).TimesStages);
        var pushed = Load(("Mlops:Observability:Port", "0"), (MlopsOptions.OtlpEndpointVariable, "http://collector:4317"));
        Assert.True(pushed.Observability.Exports);
        Assert.True(pushed.TimesStages);
    }

    [Fact]
    public void The_command_line_switch_sets_the_port()
    {
        var configuration = new ConfigurationBuilder().AddCommandLine(["--observability-port", "9999"], MlopsOptions.CommandLineSwitches).Build();
        Assert.Equal(9999, MlopsOptions.Load(configuration).Observability.Port);
    }
}
