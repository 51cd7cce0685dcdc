using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using MlOps.Orleans.Bench.Cli;
using MlOps.Orleans.Bench.Hosting;

namespace MlOps.Orleans.Bench.Workloads;

/// <summary>
/// <c>server start</c>: a server on free ports and a throwaway data directory (or database), ready when this prints its
/// line; stopped and cleaned up on Ctrl+C, SIGTERM or after <c>--for</c> seconds. For scripts that point several
/// commands at one server with <c>--target</c>.
/// </summary>
internal sealed class ServerCommand : IBenchCommand
{
    public string Name => "server";
    public string Usage => "start [--backend sqlite|postgres] [--postgres CS] [--silo-dll PATH] [--for SECONDS] [--ready-file PATH] [--results FILE]";

    public async Task RunAsync(Options options, CancellationToken ct)
    {
        if (options.Positional.Count < 2 || options.Positional[1] != "start") throw new UsageException("usage: server " + Usage);
        var common = Common.Read(options);
        var runFor = options.Double("for", 0);
        var readyFile = options.String("ready-file");
        options.RejectUnknown();
        if (common.Target.Target is not null) throw new UsageException("server start starts a server; --target makes no sense here");

        await using var target = await BenchTarget.OpenAsync(common.Target, ct);
        var line = $"server ready backend={target.Backend} grpc={target.Grpc} pid={target.Process!.Id} data={target.DataDir} " +
            $"startup={target.StartupTime!.Value.TotalSeconds:0.00}s http={target.Http}";
        Console.WriteLine(line);
        if (readyFile is not null)
            await File.WriteAllTextAsync(readyFile, new JsonObject
            {
                ["grpc"] = target.Grpc.ToString(), ["pid"] = target.Process.Id, ["backend"] = target.Backend, ["data_dir"] = target.DataDir, ["http"] = target.Http?.ToString(),
                ["postmaster_pid"] = target.Measured.Postmaster,
            }.ToJsonString(), ct);
        common.Results.Append("server-start", target.Backend, new JsonObject(),
            new JsonObject { ["startup_s"] = Math.Round(target.StartupTime.Value.TotalSeconds, 2) });

        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.TrySetResult(); });
        using var exited = ct.Register(() => stop.TrySetResult());
        target.Process.EnableRaisingEvents = true;
        target.Process.Exited += (_, _) => stop.TrySetResult();
        var waits = new List<Task> { stop.Task };
        if (runFor > 0) waits.Add(Task.Delay(TimeSpan.FromSeconds(runFor), CancellationToken.None));
        await Task.WhenAny(waits);
        if (target.Process.HasExited) Console.Error.WriteLine($"# the server exited by itself with code {target.Process.ExitCode}");
        Console.Error.WriteLine("# stopping the server");
        if (readyFile is not null) File.Delete(readyFile);
    }
}
