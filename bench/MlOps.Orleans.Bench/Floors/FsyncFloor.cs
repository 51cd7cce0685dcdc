using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using MlOps.Orleans.Bench.Measure;

namespace MlOps.Orleans.Bench.Floors;

/// <summary>
/// The fsync floor (issue 15): <see cref="Count"/> appends of 4 KiB to one file, each followed by <c>fdatasync</c>, timed one by
/// one, in the measured server's data directory. A durable write cannot answer sooner than its commit reaches the disk, so
/// a durable-write latency is only judged against this, taken on the same filesystem just before the workload.
/// </summary>
internal static class FsyncFloor
{
    public const int Count = 1000;
    public const int BlockSize = 4096;

    public static FsyncFloorResult Measure(string directory)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"fsync-floor-{Environment.ProcessId}-{Guid.NewGuid():N}.bin");
        var block = new byte[BlockSize];
        Random.Shared.NextBytes(block);
        var latencies = new double[Count];
        try
        {
            using var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write);
            var fd = (int)handle.DangerousGetHandle();
            for (var i = 0; i < Count; i++)
            {
                var started = Stopwatch.GetTimestamp();
                RandomAccess.Write(handle, block, (long)i * BlockSize);
                // fdatasync, not fsync: what a database's commit needs (the data and the size), not every metadata change.
                if (NativeMethods.fdatasync(fd) != 0) throw new IOException($"fdatasync failed: errno {Marshal.GetLastPInvokeError()}");
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        }
        finally
        {
            File.Delete(path);
        }
        return new FsyncFloorResult(Path.GetFullPath(directory), MountOf(directory), Stats.Summarize(latencies));
    }

    /// <summary>The mount point and filesystem type holding <paramref name="directory"/> (longest matching mount), so a reader
    /// can tell a tmpfs from the disk the server writes to.</summary>
    private static string MountOf(string directory)
    {
        if (!File.Exists("/proc/self/mounts")) return "unknown";
        var full = Path.GetFullPath(directory);
        var best = (Mount: "", Type: "unknown");
        foreach (var line in File.ReadLines("/proc/self/mounts"))
        {
            var fields = line.Split(' ');
            if (fields.Length < 3) continue;
            var mount = fields[1];
            var contains = mount == "/" || full == mount || full.StartsWith(mount + "/", StringComparison.Ordinal);
            if (contains && mount.Length >= best.Mount.Length) best = (mount, fields[2]);
        }
        return $"{best.Mount} ({best.Type})";
    }

    private static class NativeMethods
    {
        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int fdatasync(int fd);
    }
}
