namespace MlOps.Orleans.Contracts.Tracking;

/// <summary>One metric observation. Value may be NaN or infinite; timestamp is Unix milliseconds.</summary>
[GenerateSerializer, Immutable]
[Alias("mlops.tracking.MetricPoint")]
public readonly record struct MetricPoint(
    [property: Id(0)] string Key,
    [property: Id(1)] double Value,
    [property: Id(2)] long Timestamp,
    [property: Id(3)] long Step)
{
    /// <summary>MLflow's "latest": the highest (step, timestamp, value); NaN ranks below every number.</summary>
    public bool IsNewerThan(MetricPoint other)
    {
        if (Step != other.Step) return Step > other.Step;
        if (Timestamp != other.Timestamp) return Timestamp > other.Timestamp;
        if (double.IsNaN(other.Value)) return !double.IsNaN(Value);
        return !double.IsNaN(Value) && Value > other.Value;
    }

    /// <summary>Identity used to store a retried point once: same key, step, timestamp and bit-identical value.</summary>
    public bool SameAs(MetricPoint other) =>
        Key == other.Key && Step == other.Step && Timestamp == other.Timestamp &&
        BitConverter.DoubleToInt64Bits(Value) == BitConverter.DoubleToInt64Bits(other.Value);
}

/// <summary>A stored metric point with its run-wide sequence number.</summary>
[GenerateSerializer, Immutable]
[Alias("mlops.tracking.SequencedMetric")]
public readonly record struct SequencedMetric(
    [property: Id(0)] long Sequence,
    [property: Id(1)] MetricPoint Point);
