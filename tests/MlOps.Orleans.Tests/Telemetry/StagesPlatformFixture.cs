using MlOps.Orleans.Tests.Infrastructure;

namespace MlOps.Orleans.Tests.Telemetry;

/// <summary>The embedded platform with Mlops:EnableDiagnostics on, so stage timings are collected and /debug/stages served.</summary>
public sealed class StagesPlatformFixture : PlatformFixture
{
    protected override Task<Dictionary<string, string?>> BackendSettingsAsync() =>
        Task.FromResult(new Dictionary<string, string?> { ["Mlops:Mode"] = "Embedded", ["Mlops:EnableDiagnostics"] = "true" });
}
