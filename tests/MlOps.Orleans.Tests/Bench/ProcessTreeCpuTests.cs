using System.Diagnostics;
using MlOps.Orleans.Bench.Hosting;
using MlOps.Orleans.Tests.Infrastructure;

namespace MlOps.Orleans.Tests.Bench;

[Trait("Category", Category.Process)]
public sealed class ProcessTreeCpuTests
{
    /// <summary>
    /// A child that works and ends inside the window (Redis's AOF rewrite) still counts for its parent's tree, through the
    /// parent's cutime and cstime; before, its work was charged to other processes and voided materialization reps.
    /// </summary>
    [SkippableFact]
    public async Task A_child_that_ended_and_was_waited_for_still_counts()
    {
        Skip.IfNot(File.Exists("/proc/self/stat"), "no /proc on this machine");
        // The subshell counts to 200,000 (about half a second of CPU), the shell waits for it and then becomes `sleep`.
        using var shell = Process.Start(new ProcessStartInfo("/bin/sh",
            ["-c", "( i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done ); exec sleep 30"]))!;
        try
        {
            var before = ProcessTreeCpu.Seconds(shell.Id);
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!File.ReadAllText($"/proc/{shell.Id}/cmdline").StartsWith("sleep", StringComparison.Ordinal))
            {
                Assert.True(DateTime.UtcNow < deadline, "the subshell did not finish within 30 s");
                await Task.Delay(20);
            }
            var after = ProcessTreeCpu.Seconds(shell.Id);
            Assert.Empty(ProcessTreeCpu.Children(shell.Id));
            Assert.True(after - before >= 0.1, $"the tree's CPU moved {after - before:0.00} s while its child counted to 200,000");
        }
        finally
        {
            shell.Kill();
        }
    }
}
