namespace MlOps.Orleans.Tests.Features.Online.Retrieval;

/// <summary>An online repository with unique names: a push source feeding an online view (ttl 1h) and an on-demand view.</summary>
public sealed class OnlineRepo(string suffix)
{
    public string Driver => $"driver_{suffix}";
    public string Push => $"driver_push_{suffix}";
    public string Stats => $"driver_stats_{suffix}";
    public string Offline => $"driver_offline_{suffix}";
    public string Adjusted => $"driver_adjusted_{suffix}";
    public string Service => $"driver_model_{suffix}";

    public static OnlineRepo New() => new(Guid.NewGuid().ToString("N")[..10]);

    public string Yaml => $$"""
        entities:
          - name: {{Driver}}
            join_keys: [{name: driver_id, type: int64}]
        sources:
          - name: {{Push}}
            push: true
            timestamp_field: event_timestamp
            created_timestamp_field: created
            schema:
              - {name: driver_id, type: int64}
              - {name: conv_rate, type: float64}
              - {name: trips, type: int64}
              - {name: label, type: string}
              - {name: event_timestamp, type: timestamp}
              - {name: created, type: timestamp}
        feature_views:
          - name: {{Stats}}
            entities: [{{Driver}}]
            source: {{Push}}
            ttl: 1h
            online: true
            schema:
              - {name: conv_rate, type: float64}
              - {name: trips, type: int64}
              - {name: label, type: string}
          - name: {{Offline}}
            entities: [{{Driver}}]
            source: {{Push}}
            online: false
            schema:
              - {name: trips, type: int64}
        on_demand_feature_views:
          - name: {{Adjusted}}
            inputs: [{{Stats}}]
            request_schema: [{name: bonus, type: float64}]
            outputs:
              - {name: adjusted, type: float64, expression: "conv_rate * 2 + bonus"}
              - {name: busy, type: bool, expression: "trips > 10"}
        feature_services:
          - name: {{Service}}
            features:
              - {{Stats}}: [conv_rate, trips]
              - {{Adjusted}}: ["*"]
        """;
}
