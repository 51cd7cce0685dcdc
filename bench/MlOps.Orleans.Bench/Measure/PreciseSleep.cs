using System.Diagnostics;
using System.Runtime.InteropServices;

namespace MlOps.Orleans.Bench.Measure;

/// <summary>
/// Sleeps until a Stopwatch timestamp with sub-millisecond accuracy. Thread.Sleep and timers round to whole
/// milliseconds (too coarse for 2,000 sends a second), and spinning would steal one of the two cores from the server.
/// </summary>
internal static class PreciseSleep
{
    private const int PrSetTimerSlack = 29;

    /// <summary>
    /// Linux lets a sleeping thread's timer fire up to its timer slack late (50 µs by default) so wake-ups can be merged;
    /// for the dispatcher that slack is pure lateness added to every call's measured latency. Call on the sleeping thread.
    /// </summary>
    public static void TightenTimerSlack()
    {
        if (OperatingSystem.IsLinux()) _ = NativeMethods.prctl(PrSetTimerSlack, 1, 0, 0, 0);
    }

    public static void Until(long timestamp)
    {
        while (true)
        {
            var remaining = timestamp - Stopwatch.GetTimestamp();
            if (remaining <= 0) return;
            var nanoseconds = remaining * (1_000_000_000.0 / Stopwatch.Frequency);
            if (!OperatingSystem.IsLinux())
            {
                Thread.Sleep(TimeSpan.FromTicks(Math.Max(1, (long)(nanoseconds / 100))));
                continue;
            }
            var request = new Timespec { Seconds = (long)(nanoseconds / 1e9), Nanoseconds = (long)(nanoseconds % 1e9) };
            _ = NativeMethods.nanosleep(ref request, IntPtr.Zero);
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    private static class NativeMethods
    {
        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int nanosleep(ref Timespec request, IntPtr remaining);

        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int prctl(int option, ulong arg2, ulong arg3, ulong arg4, ulong arg5);
    }
}
