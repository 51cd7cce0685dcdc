using MlOps.Orleans.Contracts.Features;
namespace MlOps.Orleans.Features.Offline;

/// <summary>A feature fetched from a view: its declared field and the generated column name inside the view's relation.</summary>
internal sealed record ViewFeature(FieldSpec Field, string Column);
