using System.Net;
using System.Text;
using System.Text.Json;
using Grpc.Core;

namespace MlOps.Orleans.Tests.Processes;

/// <summary>What a platform process answered, in a form two processes' answers compare by: gRPC refusals as status and detail,
/// Feast HTTP as status and body text, and its stage counts from <c>GET /debug/stages</c>.</summary>
internal static class ProcessAnswers
{
    /// <summary>The status and detail of a call that must fail; an answer instead fails the test.</summary>
    public static async Task<(StatusCode Code, string Detail)> RefusalAsync(Func<Task> call, string what)
    {
        try
        {
            await call();
        }
        catch (RpcException e)
        {
            return (e.StatusCode, e.Status.Detail);
        }
        throw new Xunit.Sdk.XunitException($"{what} was answered, not refused");
    }

    public static async Task<(HttpStatusCode Status, string Body)> PostAsync(PlatformProcess process, string path, string json)
    {
        using var http = new HttpClient { BaseAddress = process.HttpAddress, Timeout = TrackingCalls.CallTimeout };
        using var response = await http.PostAsync(new Uri(path.TrimStart('/'), UriKind.Relative), new StringContent(json, Encoding.UTF8, "application/json"));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>How many times <paramref name="process"/> recorded the stage instrument with the tag, since it started.</summary>
    public static async Task<long> StageCountAsync(PlatformProcess process, string instrument, string tag, string value)
    {
        using var http = new HttpClient { BaseAddress = process.HttpAddress, Timeout = TrackingCalls.CallTimeout };
        using var document = JsonDocument.Parse(await http.GetStringAsync(new Uri("debug/stages", UriKind.Relative)));
        var count = 0L;
        foreach (var stage in document.RootElement.GetProperty("stages").EnumerateArray())
        {
            if (stage.GetProperty("instrument").GetString() != instrument) continue;
            if (!stage.GetProperty("tags").TryGetProperty(tag, out var tagged) || tagged.GetString() != value) continue;
            count += stage.GetProperty("count").GetInt64();
        }
        return count;
    }
}
