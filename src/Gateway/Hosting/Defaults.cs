namespace MlOps.Orleans.Gateway.Hosting;

/// <summary>What every MlOps process does first: read switches, quiet per-request logs, load and validate settings.</summary>
public static class Defaults
{
    public static MlopsOptions AddMlopsDefaults(this WebApplicationBuilder builder, string[] args)
    {
        builder.Configuration.AddCommandLine(args, MlopsOptions.CommandLineSwitches);
        // Per-request and per-grain info logs cost more than the requests themselves at our rates.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Grpc", LogLevel.Warning);
        builder.Logging.AddFilter("Orleans", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Orleans", LogLevel.Warning);
        builder.Logging.AddFilter("Polly", LogLevel.Warning);
        return MlopsOptions.Load(builder.Configuration);
    }
}
