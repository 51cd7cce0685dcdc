using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MlOps.Orleans.Hosting.Observability;
using MlOps.Orleans.Hosting.Settings;

namespace MlOps.Orleans.Hosting;

/// <summary>What every MlOps process (silo, gateway, test fixture) does first, written once.</summary>
public static class ServiceDefaults
{
    /// <summary>
    /// A web application builder whose configuration files are read once: reload-on-change watches the content root
    /// recursively, and with the data folder under it every SQLite WAL write raised a file event (12-16% of metric ingest
    /// went to it). The host reads the switch from the environment while it builds, so it is set before.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        Environment.SetEnvironmentVariable("DOTNET_hostBuilder__reloadConfigOnChange", "false");
        return WebApplication.CreateBuilder(new WebApplicationOptions { Args = args });
    }

    /// <summary>Reads the short switches, quiets per-request logs, binds and validates <see cref="MlopsOptions"/>.</summary>
    public static MlopsOptions AddMlopsDefaults(this WebApplicationBuilder builder, string[] args)
    {
        builder.Configuration.AddCommandLine(args, MlopsOptions.CommandLineSwitches);
        builder.AddMlopsTelemetry();
        var settings = builder.MlopsSettings();
        var options = MlopsOptions.Bind(settings);
        // Everything else is wired from these settings, so they are checked before anything else is bound.
        settings.Register(builder.Services);
        builder.AddMlopsObservability(options);
        // Authentication (gateway) and the grain call filter that enforces it (silo) are added here once both exist,
        // so that no process can come up without them.
        return options;
    }

    /// <summary>The settings binder of this process: every options class is bound through it (see <see cref="SettingsBinder"/>).</summary>
    public static SettingsBinder MlopsSettings(this IHostApplicationBuilder builder)
    {
        if (builder.Properties.TryGetValue(typeof(SettingsBinder), out var existing)) return (SettingsBinder)existing;
        var settings = new SettingsBinder(builder.Configuration);
        builder.Properties[typeof(SettingsBinder)] = settings;
        return settings;
    }

    /// <summary>
    /// Log levels. Per-request and per-grain info logs cost more than the requests themselves at our rates, so those are
    /// warnings only. Traces, metrics and the log format follow the settings (<see cref="ObservabilityHosting"/>).
    /// </summary>
    public static IHostApplicationBuilder AddMlopsTelemetry(this IHostApplicationBuilder builder)
    {
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Grpc", LogLevel.Warning);
        builder.Logging.AddFilter("Orleans", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Orleans", LogLevel.Warning);
        builder.Logging.AddFilter("Polly", LogLevel.Warning);
        return builder;
    }
}
