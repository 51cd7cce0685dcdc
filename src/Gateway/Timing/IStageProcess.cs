namespace MlOps.Orleans.Gateway.Timing;

/// <summary>
/// Which process answers <c>/debug/stages</c>: in a cluster each process reports only its own timings, so a reader needs to
/// know whose they are. A silo registers its own; a standalone gateway has none and reports itself as a gateway.
/// </summary>
public interface IStageProcess
{
    /// <summary><c>embedded</c>, <c>silo</c> or <c>gateway</c>.</summary>
    string Role { get; }

    /// <summary>The silo's name and address, when this process is a silo.</summary>
    string? Silo { get; }
}
