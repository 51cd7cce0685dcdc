namespace MlOps.Orleans.Tests.Features.Offline;

/// <summary>
/// A feature row as the reference sees it: key values, event and created time, where it was stored (file index in
/// file name order, row within the file; for CSV both collapse into one running row number) and feature values.
/// </summary>
public sealed record ReferenceRow(object?[] Keys, DateTime Event, DateTime? Created, int File, long Row, object?[] Values);
