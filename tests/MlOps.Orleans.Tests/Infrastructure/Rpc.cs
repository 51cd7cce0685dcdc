using Grpc.Core;

namespace MlOps.Orleans.Tests.Infrastructure;

/// <summary>Assertions on gRPC refusals: the status and the words that name the problem.</summary>
public static class Rpc
{
    public static async Task<RpcException> Refuses(StatusCode code, Func<Task> call, params string[] messageMentions)
    {
        var e = await Assert.ThrowsAsync<RpcException>(call);
        Assert.True(e.StatusCode == code, $"expected {code}, got {e.StatusCode}: {e.Status.Detail}");
        foreach (var m in messageMentions)
            Assert.True(e.Status.Detail.Contains(m, StringComparison.OrdinalIgnoreCase), $"'{e.Status.Detail}' does not mention '{m}'");
        return e;
    }

    /// <summary>Polls until <paramref name="condition"/> holds or the deadline passes; tests never sleep blindly.</summary>
    public static async Task Eventually(Func<Task<bool>> condition, string what, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            if (await condition()) return;
            await Task.Delay(50);
        }
        Assert.Fail($"timed out after {seconds}s waiting for {what}");
    }
}
