using MlOps.Orleans.Contracts.Features;
using MlOps.Orleans.Features.Definitions;

namespace MlOps.Orleans.Tests.Features.Definitions;

/// <summary>
/// A valid feature repository split over two files, covering every kind: a batch source with a schema, one without, a push
/// source, a plain view, a SQL view, a push-fed view, an on-demand view and a feature service.
/// </summary>
internal static class RepositoryYaml
{
    public const string Roots = "/data/features";

    public const string Main = """
        entities:
          - name: driver
            description: A driver
            join_keys: [{name: driver_id, type: int64}]
          - name: customer
            join_keys:
              - {name: customer_id, type: string}
        sources:
          - name: driver_stats
            path: artifacts:features/driver_stats/*.parquet
            timestamp_field: event_timestamp
            created_timestamp_field: created
            hive_partitioning: true
            schema:
              - {name: driver_id, type: int64}
              - {name: event_timestamp, type: timestamp}
              - {name: created, type: timestamp}
              - {name: conv_rate, type: float32}
              - {name: acc_rate, type: float64}
              - {name: trips, type: int32}
          - name: customer_profile
            path: file:/data/features/customers/*.csv
          - name: driver_push
            push: true
            timestamp_field: ts
            schema:
              - {name: driver_id, type: int64}
              - {name: ts, type: timestamp}
              - {name: speed, type: float64}
        feature_views:
          - name: driver_hourly_stats
            entities: [driver]
            source: driver_stats
            ttl: 1d
            schema:
              - {name: conv_rate, type: float64, description: conversion rate}
              - {name: acc_rate, type: float64}
              - {name: trips, type: int64}
            online: true
            owner: team@x
            tags: {team: drivers}
          - name: customer_stats
            entities: [customer]
            source: customer_profile
            schema: [{name: age, type: int64}]
        """;

    public const string Derived = """
        feature_views:
          - name: driver_daily
            entities: [driver]
            sources: [driver_stats]
            sql: |
              SELECT driver_id, date_trunc('day', event_timestamp) AS event_timestamp,
                     avg(conv_rate) AS avg_conv, count(*) AS n  -- one row per day
              FROM driver_stats
              GROUP BY 1, 2
            ttl: P2D
            schema:
              - {name: avg_conv, type: float64}
              - {name: n, type: int64}
          - name: driver_speed
            entities: [driver]
            source: driver_push
            schema: [{name: speed, type: float64}]
        on_demand_feature_views:
          - name: driver_ratios
            inputs: [driver_hourly_stats, driver_daily]
            request_schema: [{name: val_to_add, type: int64}]
            outputs:
              - {name: conv_plus_val, type: float64, expression: "conv_rate + val_to_add"}
              - name: trips_per_day
                type: float64
                expression: "ifnull(trips / n, 0)"
        feature_services:
          - name: driver_model_v1
            features:
              - driver_hourly_stats: [conv_rate, acc_rate]
              - driver_ratios: ["*"]
              - driver_daily@v1: [avg_conv]
            owner: ml@x
        """;

    public static RepositoryFile[] Files(params (string Path, string Content)[] extra) =>
        [new("main.yaml", Main), new("derived.yaml", Derived), .. extra.Select(e => new RepositoryFile(e.Path, e.Content))];

    public static ParsedRepository Parse(params (string Path, string Content)[] extra) => RepositoryParser.Parse(Files(extra));

    public static RepositoryValidation Validate(params (string Path, string Content)[] extra) =>
        RepositoryValidator.Validate(Parse(extra), [Roots]);
}
