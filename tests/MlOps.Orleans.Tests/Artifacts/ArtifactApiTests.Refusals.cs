using Google.Protobuf;
using Grpc.Core;
using MlOps.Orleans.Tests.Infrastructure;
using TrackingWire = MlOps.Orleans.Protos.Tracking.V1;
using Wire = MlOps.Orleans.Protos.Artifacts.V1;

namespace MlOps.Orleans.Tests.Artifacts;

/// <summary>Bad input: each refusal names the problem and leaves the store as it was.</summary>
public abstract partial class ArtifactApiTests
{
    [SkippableTheory]
    [MemberData(nameof(TraversalCases.Names), MemberType = typeof(TraversalCases))]
    public async Task Path_that_could_leave_the_root_is_refused_and_nothing_is_written(string name)
    {
        var runId = await NewRunAsync();
        await UploadToRunAsync(runId, "existing.txt", 10, seed: 3);
        var before = await EverythingStoredAsync();
        var (path, mention) = TraversalCases.All[name];

        var stagingId = Guid.NewGuid().ToString("N");
        await Rpc.Refuses(StatusCode.InvalidArgument, () => UploadToRunAsync(runId, path, 100_000, seed: 4), "path", mention);
        await Rpc.Refuses(StatusCode.InvalidArgument, () => UploadAsync(new Wire.UploadHeader { StagingId = stagingId, Path = path }, 10, seed: 4), "path");
        await Rpc.Refuses(StatusCode.InvalidArgument, () => DownloadAsync(new Wire.DownloadArtifactRequest { RunId = runId, Path = path }), "path");
        await Rpc.Refuses(StatusCode.InvalidArgument, () => Api.DeleteAsync(new Wire.DeleteArtifactRequest { RunId = runId, Path = path }).ResponseAsync, "path");

        // Only what these calls could have touched: an earlier test's upload may still be committing blocks of its own run.
        var after = await EverythingStoredAsync();
        Assert.DoesNotContain(after.Except(before), e => e.Contains(runId, StringComparison.Ordinal) || e.Contains(stagingId, StringComparison.Ordinal)
            || !e.Contains('/', StringComparison.Ordinal));
        Assert.Empty(before.Except(after));
        Assert.Equal(["existing.txt"], (await Api.ListAsync(new Wire.ListArtifactsRequest { RunId = runId, Recursive = true })).Files.Select(f => f.Path));
    }

    [SkippableFact]
    public async Task Upload_to_an_unknown_run_is_not_found_and_writes_nothing()
    {
        var before = await EverythingStoredAsync();
        var unknown = Guid.NewGuid().ToString("N");
        await Rpc.Refuses(StatusCode.NotFound, () => UploadToRunAsync(unknown, "a.txt", 10, seed: 5), unknown);
        await Rpc.Refuses(StatusCode.InvalidArgument, () => UploadToRunAsync("../../etc", "a.txt", 10, seed: 5), "run_id");
        Assert.Equal(before, await EverythingStoredAsync());
        await Rpc.Refuses(StatusCode.NotFound, () => Api.ListAsync(new Wire.ListArtifactsRequest { RunId = unknown }).ResponseAsync);
        await Rpc.Refuses(StatusCode.NotFound, () => DownloadAsync(new Wire.DownloadArtifactRequest { RunId = unknown, Path = "a.txt" }));
        await Rpc.Refuses(StatusCode.NotFound, () => Api.DeleteAsync(new Wire.DeleteArtifactRequest { RunId = unknown, Path = "a.txt" }).ResponseAsync);
    }

    [SkippableFact]
    public async Task Deleted_run_refuses_uploads_and_deletes_but_still_serves_its_files()
    {
        var runId = await NewRunAsync();
        await UploadToRunAsync(runId, "kept.txt", 100, seed: 6);
        await platform.Tracking.DeleteRunAsync(new TrackingWire.DeleteRunRequest { RunId = runId });
        var before = await EverythingStoredAsync();

        await Rpc.Refuses(StatusCode.FailedPrecondition, () => UploadToRunAsync(runId, "new.txt", 100_000, seed: 7), "deleted");
        await Rpc.Refuses(StatusCode.FailedPrecondition, () => Api.DeleteAsync(new Wire.DeleteArtifactRequest { RunId = runId, Path = "kept.txt" }).ResponseAsync, "deleted");
        Assert.Equal(before, await EverythingStoredAsync());
        Assert.Equal(PatternBytes.Range(0, 100, 6), (await DownloadAsync(new Wire.DownloadArtifactRequest { RunId = runId, Path = "kept.txt" })).Bytes);
    }

    [SkippableFact]
    public async Task Upload_not_matching_its_expected_digest_or_size_keeps_nothing()
    {
        var runId = await NewRunAsync();
        var before = await VisibleStoredAsync();
        await Rpc.Refuses(StatusCode.InvalidArgument,
            () => UploadAsync(new Wire.UploadHeader { RunId = runId, Path = "m.bin", ExpectedSha256 = PatternBytes.Sha256(5000, 9) }, 5000, seed: 8), "expected_sha256");
        await Rpc.Refuses(StatusCode.InvalidArgument,
            () => UploadAsync(new Wire.UploadHeader { RunId = runId, Path = "m.bin", ExpectedSize = 4999 }, 5000, seed: 8), "expected_size");
        await Rpc.Refuses(StatusCode.InvalidArgument,
            () => UploadAsync(new Wire.UploadHeader { RunId = runId, Path = "m.bin", ExpectedSha256 = "not-hex" }, 5000, seed: 8), "expected_sha256");
        Assert.Equal(before, await VisibleStoredAsync());
        Assert.Empty((await Api.ListAsync(new Wire.ListArtifactsRequest { RunId = runId })).Files);

        var info = await UploadAsync(new Wire.UploadHeader { RunId = runId, Path = "m.bin", ExpectedSize = 5000, ExpectedSha256 = PatternBytes.Sha256(5000, 8).ToUpperInvariant() }, 5000, seed: 8);
        Assert.Equal(PatternBytes.Sha256(5000, 8), info.Sha256);
    }

    [SkippableFact]
    public async Task Upload_cancelled_midway_keeps_nothing()
    {
        var runId = await NewRunAsync();
        var before = await VisibleStoredAsync();
        using (var cancel = new CancellationTokenSource())
        {
            using var call = Api.Upload(cancellationToken: cancel.Token);
            await call.RequestStream.WriteAsync(new Wire.UploadArtifactRequest { Header = new Wire.UploadHeader { RunId = runId, Path = "half.bin" } });
            var buffer = new byte[ChunkSize];
            for (var i = 0; i < 100; i++)
            {
                PatternBytes.Fill(buffer, (long)i * ChunkSize, 10);
                await call.RequestStream.WriteAsync(new Wire.UploadArtifactRequest { Chunk = ByteString.CopyFrom(buffer) });
            }
            await cancel.CancelAsync();
            await Rpc.Refuses(StatusCode.Cancelled, () => call.ResponseAsync);
        }
        // The server notices the reset on its own schedule; wait for its clean-up, never for a fixed time.
        await Rpc.Eventually(async () => (await VisibleStoredAsync()).SequenceEqual(before), "the cancelled upload's partial data to be gone");
        Assert.Empty((await Api.ListAsync(new Wire.ListArtifactsRequest { RunId = runId })).Files);
    }

    [SkippableFact]
    public async Task Upload_must_open_with_exactly_one_header_naming_a_target()
    {
        var runId = await NewRunAsync();
        using (var call = Api.Upload())
        {
            await call.RequestStream.WriteAsync(new Wire.UploadArtifactRequest { Chunk = ByteString.CopyFromUtf8("data first") });
            await call.RequestStream.CompleteAsync();
            await Rpc.Refuses(StatusCode.InvalidArgument, () => call.ResponseAsync, "header");
        }
        using (var call = Api.Upload())
        {
            var header = new Wire.UploadArtifactRequest { Header = new Wire.UploadHeader { RunId = runId, Path = "twice.txt" } };
            await call.RequestStream.WriteAsync(header);
            await call.RequestStream.WriteAsync(new Wire.UploadArtifactRequest { Chunk = ByteString.CopyFromUtf8("abc") });
            await call.RequestStream.WriteAsync(header);
            await call.RequestStream.CompleteAsync();
            await Rpc.Refuses(StatusCode.InvalidArgument, () => call.ResponseAsync, "header");
        }
        await Rpc.Refuses(StatusCode.InvalidArgument, () => UploadAsync(new Wire.UploadHeader { Path = "no-target.txt" }, 3, seed: 11), "run_id or a staging_id");
        Assert.Empty((await Api.ListAsync(new Wire.ListArtifactsRequest { RunId = runId })).Files);
    }
}
