using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace MlOps.Orleans.Bench.Online;

/// <summary>
/// Runs redis-benchmark (closed loop: each client sends its next command when the answer is in) with one explicit command
/// and reads its CSV line: the floor our store's figures are compared with, taken in the same session.
/// </summary>
internal static class RawRedisBenchmark
{
    /// <summary>One run, <c>__rand_int__</c> in the command drawn from [0, keyspace); returns rps and p50/p99 in ms as
    /// redis-benchmark reports them.</summary>
    public static Task<JsonObject> RunAsync(int port, int requests, int pipeline, int keyspace, IReadOnlyList<string> command, CancellationToken ct) =>
        RunAsync(port, 1, requests, pipeline, keyspace, command, ct);

    /// <summary>The same with <paramref name="clients"/> connections (redis-benchmark's default is 50).</summary>
    public static async Task<JsonObject> RunAsync(int port, int clients, int requests, int pipeline, int keyspace, IReadOnlyList<string> command, CancellationToken ct)
    {
        var info = new ProcessStartInfo("redis-benchmark") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-h", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-c", clients.ToString(CultureInfo.InvariantCulture),
                     "-n", requests.ToString(CultureInfo.InvariantCulture), "-P", pipeline.ToString(CultureInfo.InvariantCulture),
                     "-r", keyspace.ToString(CultureInfo.InvariantCulture), "--csv" })
        {
            info.ArgumentList.Add(arg);
        }
        foreach (var arg in command) info.ArgumentList.Add(arg);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("redis-benchmark did not start");
        var output = await process.StandardOutput.ReadToEndAsync(ct);
        var error = await process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0) throw new InvalidOperationException($"redis-benchmark failed ({process.ExitCode}): {error}");

        // "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var header = Fields(lines[0]);
        var values = Fields(lines[^1]);
        double At(string name) => double.Parse(values[Array.IndexOf(header, name)], CultureInfo.InvariantCulture);
        return new JsonObject
        {
            ["command"] = $"{command[0]} ({command.Count - 1} args)", ["clients"] = clients, ["keyspace"] = keyspace, ["pipeline"] = pipeline, ["requests"] = requests,
            ["rps"] = At("rps"), ["p50_ms"] = At("p50_latency_ms"), ["p99_ms"] = At("p99_latency_ms"), ["max_ms"] = At("max_latency_ms"),
        };
    }

    private static string[] Fields(string line) => line.Split(',').Select(f => f.Trim('"')).ToArray();
}
