namespace MlOps.Orleans.Tests.Features.Api;

/// <summary>The YAML repository the API tests apply, with names made unique per test so tests never share objects.</summary>
public sealed class FeatureRepo(string suffix)
{
    public string Driver => $"driver_{suffix}";
    public string Trips => $"trips_{suffix}";
    public string Push => $"driver_push_{suffix}";
    public string Stats => $"driver_stats_{suffix}";
    public string Rating => $"driver_rating_{suffix}";
    public string Adjusted => $"driver_adjusted_{suffix}";
    public string Service => $"driver_model_{suffix}";
    public string DataFolder => $"feature-data/{suffix}/trips";

    public static FeatureRepo New() => new(Guid.NewGuid().ToString("N")[..10]);

    public string Yaml(bool withTrips = true, string ttl = "1d", string statsDescription = "driver stats") => $$"""
        entities:
          - name: {{Driver}}
            join_keys: [{name: driver_id, type: int64}]
        sources:
          - name: {{Trips}}
            path: artifacts:{{DataFolder}}/*.parquet
            timestamp_field: event_timestamp
            created_timestamp_field: created
            schema:
              - {name: driver_id, type: int64}
              - {name: conv_rate, type: float64}
              - {name: trips, type: int64}
              - {name: event_timestamp, type: timestamp}
              - {name: created, type: timestamp}
          - name: {{Push}}
            push: true
            timestamp_field: event_timestamp
            schema:
              - {name: driver_id, type: int64}
              - {name: rating, type: float64}
              - {name: event_timestamp, type: timestamp}
        feature_views:
          - name: {{Stats}}
            entities: [{{Driver}}]
            source: {{Trips}}
            ttl: {{ttl}}
            description: {{statsDescription}}
            schema:
              - {name: conv_rate, type: float64}{{(withTrips ? "\n      - {name: trips, type: int64}" : "")}}
          - name: {{Rating}}
            entities: [{{Driver}}]
            source: {{Push}}
            schema:
              - {name: rating, type: float64}
        on_demand_feature_views:
          - name: {{Adjusted}}
            inputs: [{{Stats}}]
            request_schema: [{name: bonus, type: float64}]
            outputs:
              - {name: adjusted, type: float64, expression: "conv_rate + bonus"}
        feature_services:
          - name: {{Service}}
            features:
              - {{Stats}}: [conv_rate]
              - {{Adjusted}}: ["*"]
        """;
}
