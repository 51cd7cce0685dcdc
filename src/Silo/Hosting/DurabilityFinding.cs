namespace MlOps.Orleans.Silo.Hosting;

/// <summary>One backend setting that does not make acknowledged writes durable, or that the backend would not reveal.</summary>
/// <param name="Backend">What it is and what it holds: <c>PostgreSQL catalog</c>, <c>Redis online store</c>.</param>
/// <param name="Value">The value as the backend reports it; <c>unknown</c> when it would not say.</param>
public sealed record DurabilityFinding(string Backend, string Setting, string Value, string Risk)
{
    public override string ToString() => $"{Backend} {Setting} = {Value}: {Risk}";
}
