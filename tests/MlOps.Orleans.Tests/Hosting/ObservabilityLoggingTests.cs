using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using MlOps.Orleans.Hosting;
using MlOps.Orleans.Tests.Infrastructure;

namespace MlOps.Orleans.Tests.Hosting;

/// <summary>
/// The console log format as AddMlopsDefaults wires it (not started): both formats print scopes, and every entry's scope
/// carries the trace and span ids (ObservabilityProcessTests reads such a line from a real silo in the simple format).
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class ObservabilityLoggingTests
{
    [Theory]
    [InlineData(null, ConsoleFormatterNames.Simple)]
    [InlineData("json", ConsoleFormatterNames.Json)]
    public void Console_logs_print_scopes_with_the_trace_id(string? format, string formatter)
    {
        var builder = WebApplication.CreateBuilder();
        var settings = new Dictionary<string, string?> { ["Mlops:Observability:Port"] = "0" };
        if (format is not null) settings["Mlops:Observability:LogFormat"] = format;
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddMlopsDefaults([]);
        using var services = builder.Services.BuildServiceProvider();

        var tracking = services.GetRequiredService<IOptions<LoggerFactoryOptions>>().Value.ActivityTrackingOptions;
        Assert.True(tracking.HasFlag(ActivityTrackingOptions.TraceId) && tracking.HasFlag(ActivityTrackingOptions.SpanId), tracking.ToString());
        Assert.Equal(formatter, services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName);
        var includeScopes = formatter == ConsoleFormatterNames.Json
            ? services.GetRequiredService<IOptionsMonitor<JsonConsoleFormatterOptions>>().CurrentValue.IncludeScopes
            : services.GetRequiredService<IOptionsMonitor<SimpleConsoleFormatterOptions>>().CurrentValue.IncludeScopes;
        Assert.True(includeScopes);
    }
}
