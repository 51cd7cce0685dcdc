using MlOps.Orleans.Bench.Cli;

namespace MlOps.Orleans.Bench.Hosting;

/// <summary>
/// Where the real MLflow server comes from: a folder prepared by <c>bench/scripts/mlflow-reference.sh</c> holding MLflow's
/// source tree (<c>tree/</c>), the import stubs Debian's Python needs beside it (<c>stubs/</c>) and <c>SOURCE</c> (the
/// commit it was written out from), run by Debian's own Python. <see cref="ExtraArguments"/> go to <c>mlflow server</c>
/// as they are (MLflow 3.5 here needs <c>--gunicorn-opts "--timeout 120"</c>, see the README).
/// </summary>
internal sealed record MlflowReferenceSpec(string Home, string Python, int? Workers, IReadOnlyList<string> ExtraArguments)
{
    public const string Usage = "[--mlflow-home DIR ($MLOPS_MLFLOW_HOME, /work/mlflow-2.22)] [--mlflow-python /usr/bin/python3] " +
        "[--mlflow-workers N (MLflow's default)] [--mlflow-server-args \"ARG ARG\"]";

    public string Tree => Path.Join(Home, "tree");
    public string Stubs => Path.Join(Home, "stubs");

    /// <summary>PYTHONPATH for the server and for the Python client row: MLflow's tree first, the stubs after it.</summary>
    public string PythonPath => Tree + Path.PathSeparator + Stubs;

    public static MlflowReferenceSpec Read(Options options)
    {
        var home = options.String("mlflow-home") ?? Environment.GetEnvironmentVariable("MLOPS_MLFLOW_HOME") ?? "/work/mlflow-2.22";
        var python = options.String("mlflow-python", "/usr/bin/python3");
        var workers = options.Int("mlflow-workers", 0);
        var extra = options.String("mlflow-server-args", "");
        if (workers < 0) throw new UsageException("--mlflow-workers must be positive");
        return new MlflowReferenceSpec(Path.GetFullPath(home), python, workers == 0 ? null : workers, SplitArguments(extra));
    }

    /// <summary>Splits on spaces, keeping double-quoted parts whole (enough for <c>--gunicorn-opts "--timeout 120"</c>).</summary>
    private static IReadOnlyList<string> SplitArguments(string text)
    {
        var arguments = new List<string>();
        var current = new System.Text.StringBuilder();
        var quoted = false;
        var any = false;
        foreach (var c in text)
        {
            if (c == '"')
            {
                quoted = !quoted;
                any = true;
            }
            else if (c == ' ' && !quoted)
            {
                if (any) arguments.Add(current.ToString());
                current.Clear();
                any = false;
            }
            else
            {
                current.Append(c);
                any = true;
            }
        }
        if (quoted) throw new UsageException("--mlflow-server-args has an unclosed quote");
        if (any) arguments.Add(current.ToString());
        return arguments;
    }
}
