using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using MlOps.Orleans.Bench.Client;
using MlOps.Orleans.Protos.Tracking.V1;

namespace MlOps.Orleans.Bench.Micro;

/// <summary>
/// What one 1,000-metric LogBatchRequest costs to build, encode and decode: the floor under every batched or streamed
/// ingest figure, paid once by the client and once by the server per 1,000 values.
/// </summary>
// Not sealed: BenchmarkDotNet derives from benchmark classes.
[MemoryDiagnoser]
public class LogBatchSerializationBenchmarks
{
    private LogBatchRequest _request = null!;
    private byte[] _bytes = [];

    [GlobalSetup]
    public void Setup()
    {
        _request = Payloads.Batch("0123456789abcdef0123456789abcdef", 0, 1000, new Random(1));
        _bytes = _request.ToByteArray();
    }

    [Benchmark]
    public LogBatchRequest Build() => Payloads.Batch("0123456789abcdef0123456789abcdef", 0, 1000, new Random(1));

    [Benchmark]
    public byte[] Serialize() => _request.ToByteArray();

    [Benchmark]
    public LogBatchRequest Parse() => LogBatchRequest.Parser.ParseFrom(_bytes);

    [Benchmark]
    public int Size() => _request.CalculateSize();
}
