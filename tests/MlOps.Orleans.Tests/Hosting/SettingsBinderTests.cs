using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MlOps.Orleans.Gateway.Hosting;
using MlOps.Orleans.Hosting;
using MlOps.Orleans.Hosting.Settings;
using MlOps.Orleans.Silo.Hosting;

using MlOps.Orleans.Tests.Infrastructure;

namespace MlOps.Orleans.Tests.Hosting;

/// <summary>Every settings class is bound and checked one way: all problems named at once, and again when the host starts.</summary>
[Trait("Category", Category.Unit)]
public sealed class SettingsBinderTests
{
    [Fact]
    public async Task A_silo_names_the_bad_settings_of_every_section_at_once_and_opens_nothing()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "mlops-settings-" + Guid.NewGuid().ToString("N"));
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Mlops:DataDir"] = dataDir,
            ["Mlops:Artifacts:Provider"] = "S3",
            ["Mlops:Features:Threads"] = "-1",
            ["Mlops:Online:ShardCount"] = "0",
        });
        var options = builder.AddMlopsDefaults([]);

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => builder.AddMlopsSiloAsync(options));

        foreach (var key in new[] { "Mlops:Artifacts:Provider", "Mlops:Features:Threads", "Mlops:Online:ShardCount" })
            Assert.Contains(key, e.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dataDir), "the catalog was opened although the settings were refused");
    }

    [Fact]
    public async Task Bound_settings_are_checked_again_when_the_host_starts()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Sample:Count"] = "3" });
        var settings = new SettingsBinder(builder.Configuration);
        Assert.Equal(3, settings.Bind<SampleSettings>("Sample", s => s.Validate()).Count);
        settings.Register(builder.Services);
        // A value that changed after the binding (a later provider, a reload) still cannot reach the container unchecked.
        builder.Configuration["Sample:Count"] = "-5";
        using var host = builder.Build();

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Sample:Count", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Registered_settings_resolve_to_the_bound_values_with_their_defaults()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Sample:Count"] = "7" }).Build();
        var settings = new SettingsBinder(configuration);
        settings.Bind<SampleSettings>("Sample", s => s.Validate(), s => s.Name ??= "derived");
        using var provider = settings.Register(new ServiceCollection()).BuildServiceProvider();

        var resolved = provider.GetRequiredService<SampleSettings>();

        Assert.Equal((7, "derived"), (resolved.Count, resolved.Name));
    }

    [Fact]
    public void A_standalone_gateway_outside_a_cluster_is_refused_naming_the_mode()
    {
        var builder = WebApplication.CreateBuilder();
        var options = builder.AddMlopsDefaults([]);

        var e = Assert.Throws<InvalidOperationException>(() => builder.AddMlopsClusterClient(options));

        Assert.Contains("Mlops:Mode=Cluster", e.Message, StringComparison.Ordinal);
    }

    private sealed class SampleSettings
    {
        public int Count { get; set; }
        public string? Name { get; set; }

        public IEnumerable<string> Validate()
        {
            if (Count < 0) yield return "Sample:Count must not be negative";
        }
    }
}
