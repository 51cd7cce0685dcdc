using System.Text.Json.Nodes;
using Grpc.Core;

namespace MlOps.Orleans.Bench.Measure;

/// <summary>
/// Failed calls, counted and kept by distinct message: a figure measured while the server answers errors is reported
/// with them, never silently. Too many failures abort the workload, since they would only measure the error path.
/// </summary>
internal sealed class ErrorLog(int abortAfter = 200)
{
    private readonly Dictionary<string, int> _messages = new(StringComparer.Ordinal);
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public void Add(Exception exception)
    {
        // The inner cause is part of the message: "connection closed" alone hid a GOAWAY for a day.
        var message = exception is RpcException rpc ? $"{rpc.StatusCode}: {rpc.Status.Detail}" : $"{exception.GetType().Name}: {exception.Message}";
        if (exception is not RpcException && exception.InnerException is { } inner) message += $" ({inner.GetType().Name}: {inner.Message})";
        int count;
        lock (_messages)
        {
            _messages[message] = _messages.GetValueOrDefault(message) + 1;
            count = ++_count;
        }
        if (count >= abortAfter) throw new InvalidOperationException($"aborted after {count} failed calls; first: {Describe()}");
    }

    public string Describe()
    {
        lock (_messages) return string.Join(" | ", _messages.Take(3).Select(m => $"{m.Value}× {m.Key}"));
    }

    public JsonObject ToJson()
    {
        lock (_messages)
        {
            var messages = new JsonObject();
            foreach (var (message, count) in _messages.Take(5)) messages[message] = count;
            return new JsonObject { ["count"] = _count, ["messages"] = messages };
        }
    }
}
