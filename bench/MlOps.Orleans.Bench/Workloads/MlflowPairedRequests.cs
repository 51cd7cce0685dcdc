using System.Buffers.Binary;
using System.Security.Cryptography;

namespace MlOps.Orleans.Bench.Workloads;

/// <summary>
/// The bodies of one round, shared by both servers: request <c>i</c> of client <c>c</c> is built once, by whichever server
/// gets there first, and the same array is sent to the other. What each server was really handed is fingerprinted at
/// send time (first 8 bytes of its SHA-256), and <see cref="AssertIdentical"/> compares the fingerprints of every position
/// both servers sent, so a body mutated or rebuilt differently fails the run instead of skewing the ratio. A body both
/// servers have been sent is let go (log-batch bodies are ~80 KB and ours runs far ahead in a closed loop). Each client
/// only ever touches its own lists, and the two servers' windows never overlap, so no locking is needed.
/// </summary>
internal sealed class MlflowPairedRequests
{
    private readonly Func<int, long, byte[]> _build;
    private readonly List<byte[]?>[] _bodies;
    private readonly List<ulong>[][] _sent;

    /// <param name="build">(client, position) → body; called once per position, in order.</param>
    public MlflowPairedRequests(int clients, Func<int, long, byte[]> build)
    {
        _build = build;
        _bodies = Enumerable.Range(0, clients).Select(_ => new List<byte[]?>()).ToArray();
        _sent = Enumerable.Range(0, 2).Select(_ => Enumerable.Range(0, clients).Select(_ => new List<ulong>()).ToArray()).ToArray();
    }

    /// <summary>The next body of <paramref name="client"/> for server <paramref name="server"/> (0 ours, 1 theirs), fingerprinted as sent.</summary>
    public byte[] Next(int server, int client)
    {
        var sent = _sent[server][client];
        var bodies = _bodies[client];
        var position = sent.Count;
        while (bodies.Count <= position) bodies.Add(_build(client, bodies.Count));
        var body = bodies[position] ?? throw new InvalidOperationException($"client {client} position {position} was already sent to both servers");
        sent.Add(Fingerprint(body));
        if (_sent[1 - server][client].Count > position) bodies[position] = null;
        return body;
    }

    /// <summary>Requests each server was sent (all windows of the round, discarded ones too).</summary>
    public long Sent(int server) => _sent[server].Sum(s => (long)s.Count);

    /// <summary>Throws unless every position both servers were sent carried the same bytes; the number of positions compared.</summary>
    public long AssertIdentical()
    {
        long compared = 0;
        for (var client = 0; client < _bodies.Length; client++)
        {
            var ours = _sent[0][client];
            var theirs = _sent[1][client];
            var common = Math.Min(ours.Count, theirs.Count);
            for (var i = 0; i < common; i++)
            {
                if (ours[i] != theirs[i])
                    throw new InvalidOperationException($"client {client} request {i}: the two servers were sent different bytes; the comparison is void");
            }
            compared += common;
        }
        return compared;
    }

    private static ulong Fingerprint(byte[] body)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(body, hash);
        return BinaryPrimitives.ReadUInt64LittleEndian(hash);
    }
}
