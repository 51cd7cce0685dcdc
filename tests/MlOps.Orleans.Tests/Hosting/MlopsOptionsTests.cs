using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MlOps.Orleans.Hosting;
using MlOps.Orleans.Silo.Hosting;
using MlOps.Orleans.Tests.Infrastructure;

namespace MlOps.Orleans.Tests.Hosting;

/// <summary>Settings are checked at start, and each problem is named.</summary>
[Trait("Category", Category.Unit)]
public sealed class MlopsOptionsTests
{
    private static MlopsOptions Load(params (string Key, string Value)[] settings) =>
        MlopsOptions.Load(new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build());

    [Fact]
    public void Defaults_are_embedded_on_loopback_5000_and_5001()
    {
        var options = Load();
        Assert.False(options.IsCluster);
        Assert.Equal(("127.0.0.1", 5000, 5001, "./data"), (options.BindAddress, options.HttpPort, options.GrpcPort, options.DataDir));
    }

    [Theory]
    [InlineData("Mlops:Mode", "Cluster", "Mlops:Postgres")]
    [InlineData("Mlops:Mode", "Swarm", "Mlops:Mode")]
    [InlineData("Mlops:BindAddress", "localhost:5", "Mlops:BindAddress")]
    [InlineData("Mlops:HttpPort", "0", "Mlops:HttpPort")]
    [InlineData("Mlops:GrpcPort", "5000", "must differ")]
    [InlineData("Mlops:IOQueueCount", "-1", "Mlops:IOQueueCount")]
    [InlineData("Mlops:DefaultArtifactRoot", "relative/mlruns", "Mlops:DefaultArtifactRoot")]
    [InlineData("Mlops:DefaultArtifactRoot", " ", "Mlops:DefaultArtifactRoot")]
    [InlineData("Mlops:DeploymentsTarget", "ftp://gateway", "Mlops:DeploymentsTarget")]
    [InlineData("MLFLOW_DEPLOYMENTS_TARGET", "not a url", "MLFLOW_DEPLOYMENTS_TARGET")]
    public void Bad_settings_stop_the_start_with_the_key_named(string key, string value, string mention)
    {
        var e = Assert.Throws<InvalidOperationException>(() => Load((key, value)));
        Assert.Contains(mention, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cluster_without_a_shared_online_store_is_refused()
    {
        var configuration = new ConfigurationBuilder().AddCommandLine(["--mode", "Cluster", "--postgres", "Host=db"], MlopsOptions.CommandLineSwitches).Build();
        var options = MlopsOptions.Load(configuration);
        var e = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddMlopsFeatures(configuration, options));
        Assert.Contains("Mlops:Online:Redis", e.Message, StringComparison.Ordinal);

        var withRedis = new ConfigurationBuilder()
            .AddCommandLine(["--mode", "Cluster", "--postgres", "Host=db", "--redis", "127.0.0.1:1"], MlopsOptions.CommandLineSwitches).Build();
        Assert.Equal("127.0.0.1:1", withRedis["Mlops:Online:Redis"]);
        // Registration only: nothing connects until the store is first resolved.
        new ServiceCollection().AddMlopsFeatures(withRedis, MlopsOptions.Load(withRedis));
    }
}
