using MlOps.Orleans.Contracts.Features;
using Wire = MlOps.Orleans.Protos.Features.V1;

namespace MlOps.Orleans.Gateway.Features;

/// <summary>Definition records to their wire messages.</summary>
internal static class DefinitionMapper
{
    public static Wire.Field ToProto(FieldSpec f) => new() { Name = f.Name, Type = ValueTypeMapper.ToProto(f.Type), Description = f.Description };

    public static Wire.Entity ToProto(EntitySpec e)
    {
        var result = new Wire.Entity { Name = e.Name, Description = e.Description };
        result.JoinKeys.AddRange(e.JoinKeys.Select(ToProto));
        foreach (var t in e.Tags) result.Tags[t.Key] = t.Value;
        return result;
    }

    public static Wire.DataSource ToProto(DataSourceSpec s)
    {
        var result = new Wire.DataSource
        {
            Name = s.Name, Push = s.IsPush, Format = (Wire.SourceFormat)(int)s.Format, Path = s.Path, TimestampField = s.TimestampField,
            CreatedTimestampField = s.CreatedTimestampField, HivePartitioning = s.HivePartitioning, Description = s.Description,
        };
        result.Schema.AddRange(s.Schema.Select(ToProto));
        foreach (var t in s.Tags) result.Tags[t.Key] = t.Value;
        return result;
    }

    public static Wire.FeatureView ToProto(FeatureViewSpec v)
    {
        var result = new Wire.FeatureView
        {
            Name = v.Name, Source = v.Source, Sql = v.Sql, TimestampField = v.TimestampField, CreatedTimestampField = v.CreatedTimestampField,
            TtlSeconds = v.Ttl?.TotalSeconds ?? 0, Online = v.Online, Owner = v.Owner, Description = v.Description,
        };
        result.Entities.AddRange(v.Entities);
        result.Schema.AddRange(v.Schema.Select(ToProto));
        result.Sources.AddRange(v.Sources);
        foreach (var t in v.Tags) result.Tags[t.Key] = t.Value;
        return result;
    }

    public static Wire.OnDemandFeatureView ToProto(OnDemandFeatureViewSpec v)
    {
        var result = new Wire.OnDemandFeatureView { Name = v.Name, Owner = v.Owner, Description = v.Description };
        result.Inputs.AddRange(v.Inputs);
        result.RequestSchema.AddRange(v.RequestSchema.Select(ToProto));
        result.Outputs.AddRange(v.Outputs.Select(o => new Wire.OnDemandOutput { Field = ToProto(o.Field), Expression = o.Expression }));
        foreach (var t in v.Tags) result.Tags[t.Key] = t.Value;
        return result;
    }

    public static Wire.FeatureService ToProto(FeatureServiceSpec s)
    {
        var result = new Wire.FeatureService { Name = s.Name, Owner = s.Owner, Description = s.Description };
        foreach (var p in s.Projections)
        {
            var projection = new Wire.FeatureProjection { View = p.View, Version = p.Version ?? 0 };
            projection.Features.AddRange(p.Features);
            result.Projections.Add(projection);
        }
        foreach (var t in s.Tags) result.Tags[t.Key] = t.Value;
        return result;
    }

    public static Wire.Definition ToProto(DefinitionView d)
    {
        var v = d.Version;
        var result = new Wire.Definition
        {
            Kind = (Wire.DefinitionKind)(int)v.Kind, Name = v.Name, Version = v.Version, Digest = v.Digest, CreatedAt = v.CreatedAt,
            UpdatedAt = v.UpdatedAt, Removed = v.Removed, Revision = v.Revision,
        };
        switch (d.Spec)
        {
            case EntitySpec e: result.Entity = ToProto(e); break;
            case DataSourceSpec s: result.DataSource = ToProto(s); break;
            case FeatureViewSpec f: result.FeatureView = ToProto(f); break;
            case OnDemandFeatureViewSpec o: result.OnDemandFeatureView = ToProto(o); break;
            case FeatureServiceSpec s: result.FeatureService = ToProto(s); break;
        }
        return result;
    }

    public static Wire.PlanResponse ToProto(PlanResult plan)
    {
        var result = new Wire.PlanResponse { Revision = plan.Revision };
        foreach (var c in plan.Changes)
        {
            var change = new Wire.PlanChange
            {
                Kind = (Wire.DefinitionKind)(int)c.Kind, Name = c.Name, Action = (Wire.PlanAction)(int)c.Action, FromVersion = c.FromVersion, ToVersion = c.ToVersion,
            };
            change.Details.AddRange(c.Details);
            result.Changes.Add(change);
        }
        result.Errors.AddRange(plan.Errors.Select(e => new Wire.DefinitionError { File = e.File, Kind = (Wire.DefinitionKind)(int)e.Kind, Object = e.Object, Reason = e.Reason }));
        result.Warnings.AddRange(plan.Warnings);
        return result;
    }

    public static Wire.TrainingDataset ToProto(TrainingDatasetInfo t)
    {
        var result = new Wire.TrainingDataset
        {
            Name = t.Name, Version = t.Version, ArtifactKey = t.ArtifactKey, Digest = t.Digest, RowCount = t.RowCount, SizeBytes = t.SizeBytes, CreatedAt = t.CreatedAt,
        };
        result.Schema.AddRange(t.Schema.Select(ToProto));
        result.Lineage.AddRange(t.Lineage.Select(l => new Wire.DefinitionRef { Kind = (Wire.DefinitionKind)(int)l.Kind, Name = l.Name, Version = l.Version }));
        return result;
    }
}
