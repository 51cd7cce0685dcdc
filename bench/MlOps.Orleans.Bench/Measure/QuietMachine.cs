using System.Diagnostics;

namespace MlOps.Orleans.Bench.Measure;

/// <summary>
/// Waits until nothing else keeps the CPU busy before a measured window. On a shared 2-core box a compiler or a test
/// run next door halves every figure; waiting (and recording what was left) keeps such noise out of the medians.
/// The measured server's own idle work (timers, stream polling) is not "something else" and is not waited for.
/// </summary>
internal sealed class QuietMachine(TimeSpan maxWait, double busyCoresAllowed = 0.25)
{
    private static readonly TimeSpan Sample = TimeSpan.FromSeconds(2);

    /// <summary>Busy cores of other processes in the last sample; NaN when waiting is off.</summary>
    public async Task<double> WaitAsync(MeasuredProcesses measured, CancellationToken ct)
    {
        if (maxWait <= TimeSpan.Zero) return double.NaN;
        var waited = Stopwatch.StartNew();
        var reported = false;
        while (true)
        {
            var cpu = new CpuMeter(measured);
            await Task.Delay(Sample, ct);
            var use = cpu.Stop();
            var busy = use.OtherCores ?? use.MachineCores - use.ClientCores;
            if (busy <= busyCoresAllowed) return busy;
            if (waited.Elapsed >= maxWait)
            {
                Console.Error.WriteLine($"#   WARNING still {busy:0.00} cores busy after waiting {waited.Elapsed.TotalSeconds:0} s; measuring anyway");
                return busy;
            }
            if (!reported) Console.Error.WriteLine($"#   waiting for a quiet machine ({busy:0.00} cores busy by other processes)");
            reported = true;
        }
    }
}
