using System.Globalization;
using MlOps.Orleans.Bench.Cli;
using MlOps.Orleans.Bench.Features;
using MlOps.Orleans.Bench.Materialization;
using MlOps.Orleans.Bench.Micro;
using MlOps.Orleans.Bench.Offline;
using MlOps.Orleans.Bench.Online;
using MlOps.Orleans.Bench.Stages;
using MlOps.Orleans.Bench.Workloads;

// Load driver for the tracking API over real gRPC: one subcommand per figure in docs/benchmarks.md.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
IBenchCommand[] commands =
[
    new ServerCommand(), new BatchIngestCommand(), new StreamIngestCommand(), new LogMetricCommand(), new SearchCommand(),
    new HistoryCommand(), new MicroCommand(), new ArtifactTransferCommand(), new RegisterCommand(), new MlflowBatchCommand(),
    new MlflowLogMetricCommand(), new MlflowCompareCommand(), new MlflowLogModelCommand(), new OnlineStoreCommand(), new OfflineRetrievalCommand(), new MaterializationCommand(),
    new OnlineGetCommand(), new StagesCommand(),
];

var options = Options.Parse(args);
var command = options.Positional.Count > 0 ? commands.FirstOrDefault(c => c.Name == options.Positional[0]) : null;
if (command is null)
{
    Console.Error.WriteLine("usage: MlOps.Orleans.Bench <command> [options]");
    foreach (var c in commands) Console.Error.WriteLine($"  {c.Name} {c.Usage}");
    Console.Error.WriteLine($"common options of the workloads: {Common.Usage}");
    return 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
try
{
    await command.RunAsync(options, cancel.Token);
    return 0;
}
catch (UsageException e)
{
    Console.Error.WriteLine($"{command.Name}: {e.Message}");
    Console.Error.WriteLine($"usage: {command.Name} {command.Usage}");
    Console.Error.WriteLine($"       {Common.Usage}");
    return 2;
}
