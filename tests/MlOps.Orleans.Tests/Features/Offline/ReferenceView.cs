namespace MlOps.Orleans.Tests.Features.Offline;

/// <summary>A view for the reference: its rows and the rules that apply to it.</summary>
public sealed record ReferenceView(string Name, string[] KeyColumns, TimeSpan? Ttl, bool HasCreated, bool IsSql, List<ReferenceRow> Rows);
