using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Google.Protobuf;

namespace MlOps.Orleans.Bench.Client;

/// <summary>
/// A lean HTTP/2 client for one unary gRPC method over cleartext loopback. The caller's thread writes each request straight
/// to the socket and one dedicated thread reads the answers, completing each call on that thread. Why it exists: the open
/// loop shares two cores with the server it measures, and <c>SocketsHttpHandler</c> + <c>Grpc.Net.Client</c> cost ~0.25 ms
/// of CPU and several thread-pool hand-offs per call; this costs microseconds and no hand-off, so a driver stall is rarely
/// mistaken for server latency. Scope, on purpose: no TLS, no compression, requests in DATA frames of at most 16 KiB, raw HPACK literals.
/// </summary>
internal sealed class RawGrpcConnection<TResponse> : IDisposable
    where TResponse : IMessage<TResponse>
{
    private const int HeaderTableSize = 4096;
    private const int SafeFrameSize = 16_384;
    private const byte Data = 0, Headers = 1, RstStream = 3, Settings = 4, PushPromise = 5, Ping = 6, GoAway = 7, WindowUpdate = 8, Continuation = 9;
    private const byte EndStream = 0x1, Ack = 0x1, EndHeaders = 0x4, Padded = 0x8, Priority = 0x20;

    private readonly Socket _socket;
    private readonly BufferedStream _input;
    private readonly byte[] _headerBlock;
    private readonly HpackDecoder _hpack = new(HeaderTableSize);
    private readonly object _gate = new();
    private readonly Dictionary<int, Call> _calls = [];
    private readonly Thread _reader;
    private readonly Timer _watchdog;
    private readonly TimeSpan _deadline;
    private readonly MessageParser<TResponse> _parser;
    private readonly int _streamWindow;
    private int _nextStream = 1;
    private long _sendWindow = 65_535;
    private int _peerStreamWindow = 65_535;
    private int _maxStreams = int.MaxValue;
    private long _received;
    private Exception? _closed;

    /// <summary>Why the connection closed (a GOAWAY, a reset socket, Dispose), or null while it is open.</summary>
    public Exception? ClosedBecause
    {
        get { lock (_gate) return _closed; }
    }

    private RawGrpcConnection(Socket socket, Uri target, string path, MessageParser<TResponse> parser, TimeSpan deadline, int streamWindow)
    {
        _streamWindow = streamWindow;
        _parser = parser;
        _socket = socket;
        _input = new BufferedStream(new NetworkStream(socket, ownsSocket: false), 64 * 1024);
        _headerBlock = RequestHeaderBlock(target, path);
        _deadline = deadline;
        _reader = new Thread(ReadLoop) { IsBackground = true, Name = "raw-grpc reader", Priority = ThreadPriority.AboveNormal };
        _watchdog = new Timer(_ => ExpireOverdue(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    /// <summary>Connects to <paramref name="target"/> (http://host:port) for calls of <paramref name="path"/>
    /// ("/package.Service/Method"); a call still unanswered after <paramref name="deadline"/> fails. The default
    /// <paramref name="streamWindow"/> never makes the server wait for us; a small one (65,535 is SocketsHttpHandler's
    /// start) makes every larger answer cross HTTP/2 flow control, returning credit after each DATA frame.</summary>
    public static RawGrpcConnection<TResponse> Open(Uri target, string path, MessageParser<TResponse> parser, TimeSpan deadline,
        int streamWindow = int.MaxValue)
    {
        if (target.Scheme != Uri.UriSchemeHttp) throw new ArgumentException($"only cleartext http targets, not '{target}'", nameof(target));
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Connect(target.Host, target.Port);
        var connection = new RawGrpcConnection<TResponse>(socket, target, path, parser, deadline, streamWindow);
        connection.Start();
        return connection;
    }

    /// <summary>Sends one request and returns its parsed answer. Blocks the caller only while the server's stream limit or
    /// flow-control window is full.</summary>
    public Task<TResponse> CallAsync(IMessage request)
    {
        // The frames are laid out and the message serialized before taking the gate; only the stream id waits for it. A
        // request larger than 16,384 bytes (HTTP/2's smallest allowed maximum frame, which every server accepts; a
        // 1,000-metric LogBatch is ~38 KB) goes in several DATA frames of at most that size.
        var size = request.CalculateSize();
        var payload = 5 + size;
        var data = 9 + _headerBlock.Length;
        var chunks = Math.Max(1, (payload + SafeFrameSize - 1) / SafeFrameSize);
        var frames = new byte[data + chunks * 9 + payload];
        _headerBlock.CopyTo(frames, 9);
        if (chunks == 1)
        {
            // gRPC message prefix: not compressed, 4-byte big-endian length.
            frames[data + 9] = 0;
            BinaryPrimitives.WriteInt32BigEndian(frames.AsSpan(data + 10), size);
            request.WriteTo(frames.AsSpan(data + 14, size));
        }
        else
        {
            var message = new byte[payload];
            BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(1), size);
            request.WriteTo(message.AsSpan(5, size));
            for (var i = 0; i < chunks; i++)
                message.AsSpan(i * SafeFrameSize, ChunkLength(payload, i)).CopyTo(frames.AsSpan(data + i * (9 + SafeFrameSize) + 9));
        }
        var call = new Call(Stopwatch.GetTimestamp(), _parser);
        lock (_gate)
        {
            if (payload > _peerStreamWindow)
                throw new InvalidOperationException($"a {payload}-byte request exceeds the server's stream window {_peerStreamWindow}; this client does not wait for stream window updates");
            while (_closed is null && (_calls.Count >= _maxStreams || _sendWindow < payload)) Monitor.Wait(_gate);
            if (_closed is not null) return Task.FromException<TResponse>(new IOException("connection closed", _closed));
            var stream = _nextStream;
            _nextStream += 2;
            _sendWindow -= payload;
            _calls.Add(stream, call);
            WriteFrameHeader(frames, _headerBlock.Length, Headers, EndHeaders, stream);
            for (var i = 0; i < chunks; i++)
                WriteFrameHeader(frames.AsSpan(data + i * (9 + SafeFrameSize)), ChunkLength(payload, i), Data, i == chunks - 1 ? EndStream : (byte)0, stream);
            // Written under the gate so stream ids reach the server in increasing order, as HTTP/2 requires.
            _socket.Send(frames);
        }
        return call.Completion.Task;
    }

    private static int ChunkLength(int payload, int chunk) => Math.Min(SafeFrameSize, payload - chunk * SafeFrameSize);

    public void Dispose()
    {
        _watchdog.Dispose();
        Close(new ObjectDisposedException(nameof(RawGrpcConnection<TResponse>)));
        _socket.Dispose();
    }

    private void Start()
    {
        var preface = new List<byte>(Encoding.ASCII.GetBytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"));
        // SETTINGS: push off and our stream window; the connection window is always the largest, so only streams wait.
        var settings = new byte[9 + 12];
        WriteFrameHeader(settings, 12, Settings, 0, 0);
        WriteSetting(settings.AsSpan(9), 0x2, 0);
        WriteSetting(settings.AsSpan(15), 0x4, _streamWindow);
        preface.AddRange(settings);
        preface.AddRange(WindowUpdateFrame(0, int.MaxValue - 65_535));
        _socket.Send(preface.ToArray());
        _reader.Start();
    }

    private void ReadLoop()
    {
        var header = new byte[9];
        var payload = new byte[16_384];
        var block = new List<byte>();
        var inBlock = false;
        var blockStream = 0;
        var blockEnds = false;
        try
        {
            while (true)
            {
                _input.ReadExactly(header);
                var length = header[0] << 16 | header[1] << 8 | header[2];
                var (type, flags) = (header[3], header[4]);
                var stream = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(5)) & int.MaxValue;
                if (length > payload.Length) payload = new byte[length];
                _input.ReadExactly(payload, 0, length);
                var body = payload.AsSpan(0, length);
                if (inBlock && type != Continuation) throw new InvalidDataException($"frame type {type} inside a header block");
                switch (type)
                {
                    case Data:
                        OnData(stream, Unpad(body, flags), (flags & EndStream) != 0, length);
                        break;
                    case Headers:
                        var fragment = Unpad(body, flags);
                        if ((flags & Priority) != 0) fragment = fragment[5..];
                        if ((flags & EndHeaders) != 0)
                        {
                            OnHeaders(stream, fragment, (flags & EndStream) != 0);
                        }
                        else
                        {
                            block.AddRange(fragment);
                            (inBlock, blockStream, blockEnds) = (true, stream, (flags & EndStream) != 0);
                        }
                        break;
                    case Continuation:
                        if (!inBlock || stream != blockStream) throw new InvalidDataException("CONTINUATION without an open header block");
                        block.AddRange(body);
                        if ((flags & EndHeaders) != 0)
                        {
                            OnHeaders(stream, block.ToArray(), blockEnds);
                            block.Clear();
                            inBlock = false;
                        }
                        break;
                    case RstStream:
                        Finish(stream, new IOException($"server reset stream {stream} with HTTP/2 error {BinaryPrimitives.ReadUInt32BigEndian(body)}"));
                        break;
                    case Settings:
                        if ((flags & Ack) == 0) OnSettings(body);
                        break;
                    case Ping:
                        if ((flags & Ack) == 0) Send(Frame(Ping, Ack, 0, body));
                        break;
                    case GoAway:
                        throw new IOException($"server sent GOAWAY (error {BinaryPrimitives.ReadUInt32BigEndian(body[4..])}, last stream {BinaryPrimitives.ReadInt32BigEndian(body) & int.MaxValue})");
                    case WindowUpdate:
                        OnWindowUpdate(stream, BinaryPrimitives.ReadInt32BigEndian(body) & int.MaxValue);
                        break;
                    case PushPromise:
                        throw new InvalidDataException("server push arrived although this client disabled it");
                }
            }
        }
        catch (Exception e)
        {
            Close(e);
        }
    }

    private void OnData(int stream, ReadOnlySpan<byte> data, bool end, int frameLength)
    {
        Call? call;
        lock (_gate) _calls.TryGetValue(stream, out call);
        call?.Append(data);
        if (_streamWindow < int.MaxValue && frameLength > 0 && !end && call is not null) Send(WindowUpdateFrame(stream, frameLength));
        // Give the connection window back long before it runs out.
        _received += frameLength;
        if (_received >= 1 << 30)
        {
            Send(WindowUpdateFrame(0, (int)_received));
            _received = 0;
        }
        if (end) Finish(stream, null);
    }

    private void OnHeaders(int stream, ReadOnlySpan<byte> block, bool end)
    {
        Call? call;
        lock (_gate) _calls.TryGetValue(stream, out call);
        // Every block is decoded, even one for an expired call: skipping one would desynchronise the HPACK table.
        _hpack.Decode(block, (name, value) =>
        {
            if (call is null) return;
            if (name == "grpc-status") call.Status = value;
            else if (name == "grpc-message") call.Message = value;
            else if (name == ":status") call.HttpStatus = value;
        });
        if (end) Finish(stream, null);
    }

    private void OnSettings(ReadOnlySpan<byte> body)
    {
        lock (_gate)
        {
            for (var at = 0; at + 6 <= body.Length; at += 6)
            {
                var id = BinaryPrimitives.ReadUInt16BigEndian(body[at..]);
                var value = BinaryPrimitives.ReadUInt32BigEndian(body[(at + 2)..]);
                if (id == 0x3) _maxStreams = (int)Math.Min(value, int.MaxValue);
                else if (id == 0x4) _peerStreamWindow = (int)Math.Min(value, int.MaxValue);
                // SETTINGS_MAX_FRAME_SIZE (0x5) is not read: requests never exceed 16,384-byte frames, which every peer accepts.
            }
            Monitor.PulseAll(_gate);
        }
        Send(Frame(Settings, Ack, 0, []));
    }

    private void OnWindowUpdate(int stream, int increment)
    {
        // Stream windows never limit us (a request is one frame within the initial window); only the connection's does.
        if (stream != 0) return;
        lock (_gate)
        {
            _sendWindow += increment;
            Monitor.PulseAll(_gate);
        }
    }

    private void Finish(int stream, Exception? error)
    {
        Call? call;
        lock (_gate)
        {
            if (!_calls.Remove(stream, out call)) return;
            Monitor.PulseAll(_gate);
        }
        if (error is not null) call.Completion.TrySetException(error);
        else call.Complete();
    }

    private void ExpireOverdue()
    {
        var overdue = new List<int>();
        var limit = Stopwatch.GetTimestamp() - (long)(_deadline.TotalSeconds * Stopwatch.Frequency);
        lock (_gate) overdue.AddRange(_calls.Where(c => c.Value.Started < limit).Select(c => c.Key));
        foreach (var stream in overdue)
        {
            var cancel = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(cancel, 0x8);
            Send(Frame(RstStream, 0, stream, cancel));
            Finish(stream, new TimeoutException($"no answer on stream {stream} within {_deadline.TotalSeconds:0} s"));
        }
    }

    private void Close(Exception reason)
    {
        List<Call> orphans;
        lock (_gate)
        {
            _closed ??= reason;
            orphans = [.. _calls.Values];
            _calls.Clear();
            Monitor.PulseAll(_gate);
        }
        foreach (var call in orphans) call.Completion.TrySetException(new IOException("connection closed", reason));
    }

    private void Send(byte[] frame)
    {
        lock (_gate)
        {
            if (_closed is null) _socket.Send(frame);
        }
    }

    private static ReadOnlySpan<byte> Unpad(ReadOnlySpan<byte> body, byte flags)
    {
        if ((flags & Padded) == 0) return body;
        var pad = body[0];
        if (pad >= body.Length) throw new InvalidDataException("padding longer than its frame");
        return body[1..^pad];
    }

    private static byte[] RequestHeaderBlock(Uri target, string path)
    {
        var block = new List<byte> { 0x83, 0x86 }; // :method POST, :scheme http (static table 3 and 6)
        void Literal(int nameIndex, string? name, string value)
        {
            HpackDecoder.WriteInteger(block, nameIndex, 4, 0x00); // literal without indexing
            if (name is not null) StringLiteral(name);
            StringLiteral(value);
        }
        void StringLiteral(string s)
        {
            var bytes = Encoding.ASCII.GetBytes(s);
            HpackDecoder.WriteInteger(block, bytes.Length, 7, 0x00);
            block.AddRange(bytes);
        }
        Literal(4, null, path);
        Literal(1, null, target.Authority);
        Literal(31, null, "application/grpc");
        Literal(0, "te", "trailers");
        return [.. block];
    }

    private static byte[] Frame(byte type, byte flags, int stream, ReadOnlySpan<byte> body)
    {
        var frame = new byte[9 + body.Length];
        WriteFrameHeader(frame, body.Length, type, flags, stream);
        body.CopyTo(frame.AsSpan(9));
        return frame;
    }

    private static byte[] WindowUpdateFrame(int stream, int increment)
    {
        var body = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(body, increment);
        return Frame(WindowUpdate, 0, stream, body);
    }

    private static void WriteFrameHeader(Span<byte> to, int length, byte type, byte flags, int stream)
    {
        to[0] = (byte)(length >> 16);
        to[1] = (byte)(length >> 8);
        to[2] = (byte)length;
        to[3] = type;
        to[4] = flags;
        BinaryPrimitives.WriteInt32BigEndian(to[5..], stream);
    }

    private static void WriteSetting(Span<byte> to, ushort id, int value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(to, id);
        BinaryPrimitives.WriteInt32BigEndian(to[2..], value);
    }

    private sealed class Call(long started, MessageParser<TResponse> parser)
    {
        private byte[] _data = [];
        private int _length;

        public long Started { get; } = started;

        // Synchronous continuations on purpose: the awaiting code then runs on the reader thread, with no hand-off to time.
        public TaskCompletionSource<TResponse> Completion { get; } = new();
        public string? Status { get; set; }
        public string? Message { get; set; }
        public string? HttpStatus { get; set; }

        // Pooled: a 100-entity answer is ~90 KB, and fresh arrays that size land on the large-object heap, whose
        // collections pause the dispatcher thread too.
        public void Append(ReadOnlySpan<byte> data)
        {
            if (_length + data.Length > _data.Length)
            {
                var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_length + data.Length, 2 * _data.Length));
                _data.AsSpan(0, _length).CopyTo(bigger);
                ReturnBuffer();
                _data = bigger;
            }
            data.CopyTo(_data.AsSpan(_length));
            _length += data.Length;
        }

        public void Complete()
        {
            try
            {
                var body = _data.AsSpan(0, _length);
                if (HttpStatus != "200") throw new IOException($"HTTP status {HttpStatus ?? "missing"}");
                if (Status != "0") throw new IOException($"grpc-status {Status ?? "missing"}: {Message}");
                if (body.Length < 5 || body[0] != 0) throw new IOException($"answer of {body.Length} bytes is not one uncompressed gRPC message");
                var length = BinaryPrimitives.ReadInt32BigEndian(body[1..]);
                if (length != body.Length - 5) throw new IOException($"gRPC message says {length} bytes, {body.Length - 5} arrived");
                var response = parser.ParseFrom(body[5..]);
                ReturnBuffer();
                Completion.TrySetResult(response);
            }
            catch (Exception e)
            {
                ReturnBuffer();
                Completion.TrySetException(e);
            }
        }

        private void ReturnBuffer()
        {
            if (_data.Length > 0) ArrayPool<byte>.Shared.Return(_data);
            _data = [];
        }
    }
}
