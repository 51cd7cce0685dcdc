namespace MlOps.Orleans.Bench.Hosting;

/// <summary>The server's stdout and stderr, kept in its data directory so a failed start can be shown and read later.</summary>
internal sealed class ServerLog(string path) : IDisposable
{
    private readonly StreamWriter _writer = new(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
    private bool _closed;

    public string Path { get; } = path;

    public void Write(string? line)
    {
        if (line is null) return;
        lock (_writer)
        {
            if (!_closed) _writer.WriteLine(line);
        }
    }

    public string Tail(int lines = 30)
    {
        using var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var all = reader.ReadToEnd().Split('\n');
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }

    public void Dispose()
    {
        lock (_writer)
        {
            _closed = true;
            _writer.Dispose();
        }
    }
}
