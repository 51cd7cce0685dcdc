using MlOps.Orleans.Bench.Measure;
using MlOps.Orleans.Tests.Infrastructure;

namespace MlOps.Orleans.Tests.Bench;

/// <summary>/proc/stat's aggregate line: steal is its 8th field, and stolen time is not counted as busy.</summary>
[Trait("Category", Category.Unit)]
public sealed class SystemCpuTests
{
    // user nice system idle iowait irq softirq steal guest guest_nice
    private const string Before = "cpu  1000 10 500 8000 100 0 40 50 0 0";
    private const string After = "cpu  1100 10 550 8780 120 0 40 100 0 0";

    [Fact]
    public void Steal_is_read_from_the_eighth_field()
    {
        var cpu = SystemCpu.Parse(Before);
        Assert.Equal(50, cpu.Steal);
        Assert.Equal(100, cpu.IoWait);
        Assert.Equal(1000 + 10 + 500 + 8000 + 100 + 0 + 40 + 50, cpu.Total);
        // Busy leaves out idle, iowait and steal: time stolen by another guest is no process's work here.
        Assert.Equal(1000 + 10 + 500 + 40, cpu.Busy);
    }

    [Fact]
    public void Steal_percent_is_the_stolen_share_of_all_ticks_between_two_readings()
    {
        var (start, end) = (SystemCpu.Parse(Before), SystemCpu.Parse(After));
        // 1000 ticks passed (100 user + 50 system + 780 idle + 20 iowait + 50 steal), 50 of them stolen.
        Assert.Equal(5.0, SystemCpu.StealPercent(start, end), 9);
        var (busy, ioWait, interrupts) = SystemCpu.Between(start, end, cores: 2);
        Assert.Equal(0, interrupts, 9);
        Assert.Equal(0.3, busy, 9);
        Assert.Equal(0.04, ioWait, 9);
    }

    [Fact]
    public void Irq_and_softirq_are_busy_time_read_apart()
    {
        var start = SystemCpu.Parse("cpu  1000 0 500 8000 0 5 40 0 0 0");
        var end = SystemCpu.Parse("cpu  1100 0 550 8810 0 10 75 0 0 0");
        Assert.Equal(45, start.Interrupts);
        // 1000 ticks over 2 cores: 190 busy (100 user, 50 system, 5 irq, 35 softirq), of which 40 interrupts.
        var (busy, _, interrupts) = SystemCpu.Between(start, end, cores: 2);
        Assert.Equal(0.38, busy, 9);
        Assert.Equal(0.08, interrupts, 9);
    }

    [Fact]
    public void Other_cores_leave_out_the_measured_processes_and_interrupts()
    {
        var use = new CpuUse(ClientCores: 0.3, ServerCores: 0.6, DatabaseCores: 0, MachineCores: 1.2, IoWaitCores: 0) { InterruptCores = 0.25 };
        Assert.Equal(0.05, use.OtherCores!.Value, 9);
        Assert.Null((use with { ServerCores = null }).OtherCores);
    }

    [Fact]
    public void Other_cores_leave_out_kernel_threads_and_never_go_negative()
    {
        var use = new CpuUse(ClientCores: 0.3, ServerCores: 0.6, DatabaseCores: 0, MachineCores: 1.5, IoWaitCores: 0.1) { InterruptCores = 0.1, KernelThreadCores = 0.35 };
        Assert.Equal(0.15, use.OtherCores!.Value, 9);
        Assert.Equal(0.35, use.ToJson()["kernel_thread_cores"]!.GetValue<double>(), 9);
        Assert.Equal(0, (use with { KernelThreadCores = 0.9 }).OtherCores!.Value, 9);
    }

    [SkippableFact]
    public void Kernel_thread_time_is_read_from_proc_and_only_grows()
    {
        Skip.IfNot(Directory.Exists("/proc/2"), "no /proc with kthreadd here");
        var first = DatabaseCpu.KernelThreadSeconds();
        var second = DatabaseCpu.KernelThreadSeconds();
        Assert.True(first > 0, "kthreadd's children have run since boot");
        Assert.True(second >= first);
    }

    [Fact]
    public void Older_kernels_without_a_steal_field_read_as_no_steal()
    {
        var cpu = SystemCpu.Parse("cpu 10 0 5 100 1");
        Assert.Equal(0, cpu.Steal);
        Assert.Equal(15, cpu.Busy);
    }

    [Fact]
    public void Only_the_aggregate_line_is_accepted()
    {
        Assert.Throws<FormatException>(() => SystemCpu.Parse("cpu0 1 2 3 4 5 6 7 8"));
        Assert.True(double.IsNaN(SystemCpu.StealPercent(SystemCpu.Parse(Before), SystemCpu.Parse(Before))));
    }
}
