using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MlOps.Orleans.Tests.Infrastructure;

namespace MlOps.Orleans.Tests.Gateway;

/// <summary>
/// The embedded platform with a grain call filter that, while armed, fails every call to one of our grains with the
/// exception a test chooses, and a log recorder. Only this fixture registers them: production code has no fault hook.
/// </summary>
public sealed class FaultingPlatformFixture : PlatformFixture
{
    public GrainFaults Faults { get; } = new();

    public LogRecorder Logs { get; } = new();

    protected override Task<Dictionary<string, string?>> BackendSettingsAsync() =>
        // Diagnostics on, so the sweep covers /debug too (it is off by default).
        Task.FromResult(new Dictionary<string, string?> { ["Mlops:Mode"] = "Embedded", ["Mlops:EnableDiagnostics"] = "true" });

    protected override void Configure(WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(Faults);
        builder.Services.AddSingleton<IIncomingGrainCallFilter, GrainFaultFilter>();
        builder.Logging.AddProvider(Logs);
    }
}

/// <summary>What the fault filter throws; null while disarmed.</summary>
public sealed class GrainFaults
{
    private volatile Func<Exception>? _fault;

    public Func<Exception>? Current => _fault;

    /// <summary>Arms the filter until the returned handle is disposed.</summary>
    public IDisposable Arm(Func<Exception> fault)
    {
        _fault = fault;
        return new Disarm(this);
    }

    private sealed class Disarm(GrainFaults faults) : IDisposable
    {
        public void Dispose() => faults._fault = null;
    }
}

/// <summary>Fails calls to the platform's own grains (not Orleans' system grains) while <see cref="GrainFaults"/> is armed.</summary>
public sealed class GrainFaultFilter(GrainFaults faults) : IIncomingGrainCallFilter
{
    public Task Invoke(IIncomingGrainCallContext context)
    {
        var ours = context.InterfaceMethod?.DeclaringType?.Namespace?.StartsWith("MlOps.Orleans.", StringComparison.Ordinal) == true;
        if (ours && faults.Current is { } fault) throw fault();
        return context.Invoke();
    }
}

/// <summary>Keeps every formatted log line (with its exception's message), for asserting what was logged.</summary>
public sealed class LogRecorder : ILoggerProvider
{
    private readonly Lock _gate = new();
    private readonly List<(LogLevel Level, string Line)> _lines = [];

    public IReadOnlyList<(LogLevel Level, string Line)> Lines
    {
        get
        {
            lock (_gate) return [.. _lines];
        }
    }

    public ILogger CreateLogger(string categoryName) => new Recorder(this);

    public void Dispose() { }

    private sealed class Recorder(LogRecorder owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            lock (owner._gate) owner._lines.Add((logLevel, formatter(state, exception)));
        }
    }
}
