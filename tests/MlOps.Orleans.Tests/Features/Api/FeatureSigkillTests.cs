using MlOps.Orleans.Tests.Processes;
using Xunit.Abstractions;
using MlOps.Orleans.Tests.Infrastructure;
using Feat = MlOps.Orleans.Protos.Features.V1;
using static MlOps.Orleans.Tests.Features.FeatureFrames;

namespace MlOps.Orleans.Tests.Features.Api;

/// <summary>An acknowledged apply, push and training set survive SIGKILL right after each acknowledgement.</summary>
[Collection(ProcessTestsCollection.Name)]
[Trait("Category", Category.Slow)]
public sealed class FeatureSigkillTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly ProcessScope _scope = new(output);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _scope.DisposeAsync();

    [Fact]
    public Task Apply_push_and_training_set_acknowledged_before_SIGKILL_are_all_there_after_restart() => _scope.RunAsync(async () =>
    {
        var data = _scope.CreateDirectory("data");
        var day = new DateTime(2025, 3, 1, 0, 0, 0, DateTimeKind.Utc);
        var entities = new Feat.Frame();
        entities.Columns.Add(Column("user_id", Feat.ValueType.Int64, new Feat.Value { Int64Val = 7 }));
        entities.Columns.Add(Column("event_timestamp", Feat.ValueType.Timestamp, Ts(day.AddHours(2))));
        var request = new Feat.GetHistoricalFeaturesRequest { EntityRows = entities, DatasetName = "after-kill" };
        request.Features.Add("user_clicks:clicks");

        var first = await _scope.StartEmbeddedAsync("embedded-1", data, PlatformPorts.Allocate());
        Feat.TrainingDataset before;
        using (var channel = first.CreateChannel())
        {
            var api = new Feat.FeatureStoreService.FeatureStoreServiceClient(channel);
            var apply = new Feat.ApplyRequest();
            apply.Files.Add(new Feat.RepositoryFile
            {
                Path = "clicks.yaml",
                Content = """
                    entities:
                      - name: user
                        join_keys: [{name: user_id, type: int64}]
                    sources:
                      - name: clicks_push
                        push: true
                        timestamp_field: event_timestamp
                        schema: [{name: user_id, type: int64}, {name: clicks, type: int64}, {name: event_timestamp, type: timestamp}]
                    feature_views:
                      - name: user_clicks
                        entities: [user]
                        source: clicks_push
                        schema: [{name: clicks, type: int64}]
                    """,
            });
            await api.ApplyAsync(apply);
            var push = new Feat.PushRequest { PushSource = "clicks_push", Rows = new Feat.Frame() };
            push.Rows.Columns.Add(Column("user_id", Feat.ValueType.Int64, new Feat.Value { Int64Val = 7 }));
            push.Rows.Columns.Add(Column("clicks", Feat.ValueType.Int64, new Feat.Value { Int64Val = 42 }));
            push.Rows.Columns.Add(Column("event_timestamp", Feat.ValueType.Timestamp, Ts(day.AddHours(1))));
            await api.PushAsync(push);
            before = await api.GetHistoricalFeaturesAsync(request);
            first.Kill();
            _scope.Log($"killed {first.Name} right after the training set {before.Name} v{before.Version} was acknowledged");
        }
        Assert.True(first.HasExited);

        var second = await _scope.StartEmbeddedAsync("embedded-2", data, PlatformPorts.Allocate());
        using (var channel = second.CreateChannel())
        {
            var api = new Feat.FeatureStoreService.FeatureStoreServiceClient(channel);
            var view = await api.GetDefinitionAsync(new() { Kind = Feat.DefinitionKind.FeatureView, Name = "user_clicks" });
            Assert.Equal(1, view.Version);
            var stored = await api.GetTrainingDatasetAsync(new() { Name = "after-kill", Version = before.Version });
            Assert.Equal(before.Digest, stored.Digest);
            // The pushed row is still in the offline store: the same request finds it and yields the same bytes.
            var again = await api.GetHistoricalFeaturesAsync(request);
            Assert.Equal(before.Digest, again.Digest);
            Assert.Equal(before.Version, again.Version);
            var (_, rows) = ParquetRows.Read(Path.Combine(data, "artifacts", again.ArtifactKey));
            Assert.Equal(42L, Assert.Single(rows)[2]);
        }
    });
}
