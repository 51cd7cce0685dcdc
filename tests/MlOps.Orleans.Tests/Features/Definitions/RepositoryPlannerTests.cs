using MlOps.Orleans.Contracts.Features;
using MlOps.Orleans.Features.Definitions;
using MlOps.Orleans.Tests.Infrastructure;

namespace MlOps.Orleans.Tests.Features.Definitions;

/// <summary>Plan and versioning: create, update (metadata), new version (versioned part), remove, and a stable second plan.</summary>
[Trait("Category", Category.Unit)]
public sealed class RepositoryPlannerTests
{
    [Fact]
    public void Yaml_to_plan_to_apply_to_plan_again_is_all_unchanged()
    {
        var parsed = RepositoryYaml.Parse();
        Assert.True(RepositoryValidator.Validate(parsed, [RepositoryYaml.Roots]).IsValid);

        var first = RepositoryPlanner.Plan(parsed.Repository, []);
        Assert.All(first.Changes, c => Assert.Equal((PlanAction.Create, 0, 1), (c.Action, c.FromVersion, c.ToVersion)));
        Assert.Equal(first.Changes.Count, first.Writes.Count);
        Assert.Equal(
        [
            "Entity customer", "Entity driver",
            "DataSource customer_profile", "DataSource driver_push", "DataSource driver_stats",
            "FeatureView customer_stats", "FeatureView driver_daily", "FeatureView driver_hourly_stats", "FeatureView driver_speed",
            "OnDemandFeatureView driver_ratios",
            "FeatureService driver_model_v1",
        ], first.Changes.Select(c => $"{c.Kind} {c.Name}"));

        var stored = Apply([], first);
        var reparsed = RepositoryParser.Parse(RepositoryYaml.Files()); // a fresh parse of the same files
        var second = RepositoryPlanner.Plan(reparsed.Repository, stored);
        Assert.All(second.Changes, c => Assert.Equal((PlanAction.Unchanged, 1, 1), (c.Action, c.FromVersion, c.ToVersion)));
        Assert.Empty(second.Writes);
        Assert.False(second.HasChanges);
    }

    [Fact]
    public void Stored_json_reads_back_into_the_same_specs()
    {
        var parsed = RepositoryYaml.Parse();
        var plan = RepositoryPlanner.Plan(parsed.Repository, []);
        var view = plan.Writes.Single(w => w.Name == "driver_daily");
        var back = DefinitionJson.DeserializeFeatureView(view.SpecJson);
        Assert.Equal(parsed.Repository.FeatureViews.Single(v => v.Name == "driver_daily").Sql, back.Sql);
        Assert.Equal(view.Digest, DefinitionDigest.Compute(back));
    }

    public static TheoryData<string, string, string, PlanAction, string> Changes => new()
    {
        { "description", "Hourly", "description: Hourly stats", PlanAction.Update, "description changed" },
        { "tags", "tags: {team: drivers}", "tags: {team: riders, tier: gold}", PlanAction.Update, "tags changed: team, tier" },
        { "owner", "owner: team@x", "owner: other@x", PlanAction.Update, "owner: team@x -> other@x" },
        { "online", "online: true", "online: false", PlanAction.Update, "online: true -> false" },
        { "field description", "{name: conv_rate, type: float64, description: conversion rate}", "{name: conv_rate, type: float64, description: rate}", PlanAction.Update, "schema: descriptions changed" },
        { "ttl", "ttl: 1d", "ttl: 2d", PlanAction.NewVersion, "ttl: 1d -> 2d" },
        { "ttl removed", "ttl: 1d", "ttl: 0", PlanAction.NewVersion, "ttl: 1d -> none" },
        { "schema added", "{name: trips, type: int64}", "{name: trips, type: int64}\n      - {name: created, type: timestamp}", PlanAction.NewVersion, "schema: + created (timestamp)" },
        { "schema removed", "      - {name: trips, type: int64}\n", "", PlanAction.NewVersion, "schema: - trips (int64)" },
        { "schema type", "{name: trips, type: int64}", "{name: trips, type: int32}", PlanAction.NewVersion, "schema: trips int64 -> int32" },
    };

    [Theory]
    [MemberData(nameof(Changes))]
    public void Feature_view_changes_are_versioned_by_kind_of_change(string what, string from, string to, PlanAction action, string detail)
    {
        var stored = Apply([], RepositoryPlanner.Plan(RepositoryYaml.Parse().Repository, []));
        var main = what == "description"
            ? RepositoryYaml.Main.Replace("    online: true", "    online: true\n    description: Hourly stats", StringComparison.Ordinal)
            : RepositoryYaml.Main.Replace(from, to, StringComparison.Ordinal);
        Assert.NotEqual(RepositoryYaml.Main, main);
        var parsed = RepositoryParser.Parse([new("main.yaml", main), new("derived.yaml", RepositoryYaml.Derived)]);
        Assert.Empty(parsed.Errors);

        var plan = RepositoryPlanner.Plan(parsed.Repository, stored);
        var change = Assert.Single(plan.Changes, c => c.Action != PlanAction.Unchanged);
        Assert.Equal(("driver_hourly_stats", action), (change.Name, change.Action));
        Assert.Contains(detail, change.Details);
        var write = Assert.Single(plan.Writes);
        Assert.Equal(action == PlanAction.NewVersion ? 2 : 1, write.Version);
        Assert.Equal(write.Version, change.ToVersion);
        var before = stored.Single(s => s.Name == "driver_hourly_stats");
        Assert.Equal(action == PlanAction.Update, before.Digest == write.Digest);
        Assert.NotEqual(before.SpecJson, write.SpecJson);
    }

    [Fact]
    public void Sql_expression_and_projection_changes_make_new_versions()
    {
        var stored = Apply([], RepositoryPlanner.Plan(RepositoryYaml.Parse().Repository, []));
        var derived = RepositoryYaml.Derived
            .Replace("count(*) AS n", "count(*)::BIGINT AS n", StringComparison.Ordinal)
            .Replace("conv_rate + val_to_add", "conv_rate - val_to_add", StringComparison.Ordinal)
            .Replace("[conv_rate, acc_rate]", "[conv_rate]", StringComparison.Ordinal);
        var plan = RepositoryPlanner.Plan(RepositoryParser.Parse([new("main.yaml", RepositoryYaml.Main), new("derived.yaml", derived)]).Repository, stored);
        var changed = plan.Changes.Where(c => c.Action != PlanAction.Unchanged).ToDictionary(c => c.Name);
        Assert.Equal(["driver_daily", "driver_model_v1", "driver_ratios"], changed.Keys.Order());
        Assert.All(changed.Values, c => Assert.Equal((PlanAction.NewVersion, 2), (c.Action, c.ToVersion)));
        Assert.Equal(["sql changed"], changed["driver_daily"].Details);
        Assert.Equal(["outputs: conv_plus_val = conv_rate + val_to_add -> conv_rate - val_to_add"], changed["driver_ratios"].Details);
        Assert.Equal(["features: + driver_hourly_stats: [conv_rate]", "features: - driver_hourly_stats: [conv_rate, acc_rate]"], changed["driver_model_v1"].Details);
    }

    [Fact]
    public void Removed_objects_are_planned_as_removals_and_come_back_with_the_next_version()
    {
        var stored = Apply([], RepositoryPlanner.Plan(RepositoryYaml.Parse().Repository, []));
        var withoutDerived = RepositoryParser.Parse([new("main.yaml", RepositoryYaml.Main)]).Repository;
        var plan = RepositoryPlanner.Plan(withoutDerived, stored);
        var removed = plan.Changes.Where(c => c.Action == PlanAction.Remove).Select(c => c.Name).ToList();
        Assert.Equal(["driver_daily", "driver_speed", "driver_ratios", "driver_model_v1"], removed);
        var write = plan.Writes.Single(w => w.Name == "driver_daily");
        Assert.Equal((PlanAction.Remove, 1), (write.Action, write.Version));
        Assert.Equal(stored.Single(s => s.Name == "driver_daily").SpecJson, write.SpecJson);

        var afterRemoval = Apply(stored, plan);
        Assert.Empty(RepositoryPlanner.Plan(withoutDerived, afterRemoval).Writes);
        var back = RepositoryPlanner.Plan(RepositoryYaml.Parse().Repository, afterRemoval);
        var recreated = back.Changes.Single(c => c.Name == "driver_daily");
        Assert.Equal((PlanAction.Create, 1, 2), (recreated.Action, recreated.FromVersion, recreated.ToVersion));
        Assert.Equal(["created again after removal of v1"], recreated.Details);
    }

    [Fact]
    public void Plans_are_deterministic()
    {
        var stored = Apply([], RepositoryPlanner.Plan(RepositoryYaml.Parse().Repository, []));
        var changed = RepositoryParser.Parse([new("main.yaml", RepositoryYaml.Main.Replace("ttl: 1d", "ttl: 2h", StringComparison.Ordinal))]).Repository;
        var a = RepositoryPlanner.Plan(changed, stored);
        var b = RepositoryPlanner.Plan(changed, stored.AsEnumerable().Reverse().ToList());
        Assert.Equal(a.Writes, b.Writes);
        Assert.Equal(a.Changes.Select(c => (c.Kind, c.Name, c.Action, string.Join("|", c.Details))),
            b.Changes.Select(c => (c.Kind, c.Name, c.Action, string.Join("|", c.Details))));
        var result = a.ToResult([], ["w"], 7);
        Assert.Equal(7, result.Revision);
        Assert.Same(a.Changes, result.Changes);
    }

    [Fact]
    public void Older_versions_in_the_current_list_are_ignored_in_favour_of_the_latest()
    {
        var spec = SampleSpecs.Entity();
        var json = DefinitionJson.Serialize(spec);
        var digest = DefinitionDigest.Compute(spec);
        var old = new DefinitionVersion(DefinitionKind.Entity, "driver", 1, "0000", "{}", 1, 1, false, 1);
        var latest = new DefinitionVersion(DefinitionKind.Entity, "driver", 2, digest, json, 2, 2, false, 2);
        var plan = RepositoryPlanner.Plan(FeatureRepository.Empty with { Entities = [spec] }, [latest, old]);
        Assert.Equal((PlanAction.Unchanged, 2), (plan.Changes[0].Action, plan.Changes[0].ToVersion));
    }

    /// <summary>What a catalog would store after applying the writes: the latest version of each object.</summary>
    private static List<DefinitionVersion> Apply(IReadOnlyList<DefinitionVersion> stored, RepositoryPlan plan)
    {
        var result = stored.ToDictionary(s => (s.Kind, s.Name));
        foreach (var w in plan.Writes)
        {
            result[(w.Kind, w.Name)] = new DefinitionVersion(w.Kind, w.Name, w.Version, w.Digest, w.SpecJson, 0, 0,
                w.Action == PlanAction.Remove, 0);
        }
        return result.Values.ToList();
    }
}
