namespace MlOps.Orleans.Bench.Cli;

/// <summary>One subcommand: reads its options, measures, prints one result line and appends it to the result file.</summary>
internal interface IBenchCommand
{
    string Name { get; }

    /// <summary>Options after the name, one line; the common ones are described once in <see cref="Common"/>.</summary>
    string Usage { get; }

    Task RunAsync(Options options, CancellationToken ct);
}
