using Microsoft.ML.Data;

namespace MlOps.Orleans.Tests.Models;

/// <summary>One generated example: four features and whether their weighted sum is positive.</summary>
public sealed class TrainingRow
{
    public bool Label { get; set; }

    [VectorType(4)]
    public float[] Features { get; set; } = [];
}
