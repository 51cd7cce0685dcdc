namespace MlOps.Orleans.Bench.Cli;

/// <summary>A bad command line: reported with the usage text, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
