using System.Text;

namespace MlOps.Orleans.Tests.Processes;

/// <summary>A child process's stdout and stderr, bounded: the start and the latest lines are what diagnose a failure.</summary>
public sealed class OutputLog
{
    private const int HeadLimit = 16_000;
    private const int TailLimit = 64_000;
    private readonly Lock _gate = new();
    private readonly StringBuilder _head = new();
    private readonly Queue<string> _tail = new();
    private int _tailChars;
    private long _droppedLines;

    public void Append(string stream, string? line)
    {
        if (line is null) return;
        var entry = $"{DateTime.UtcNow:HH:mm:ss.fff} {stream}| {line}";
        lock (_gate)
        {
            if (_head.Length + entry.Length < HeadLimit)
            {
                _head.AppendLine(entry);
                return;
            }
            _tail.Enqueue(entry);
            _tailChars += entry.Length + 1;
            while (_tailChars > TailLimit && _tail.Count > 1)
            {
                _tailChars -= _tail.Dequeue().Length + 1;
                _droppedLines++;
            }
        }
    }

    public override string ToString()
    {
        lock (_gate)
        {
            var text = new StringBuilder(_head.ToString());
            if (_droppedLines > 0) text.AppendLine($"... {_droppedLines} lines left out ...");
            foreach (var line in _tail) text.AppendLine(line);
            return text.ToString();
        }
    }
}
