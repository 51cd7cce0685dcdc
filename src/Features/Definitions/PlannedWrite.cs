using MlOps.Orleans.Contracts.Features;
namespace MlOps.Orleans.Features.Definitions;

/// <summary>
/// One catalog write of an apply. <see cref="Version"/> is the version written (Create: 1, NewVersion: previous + 1, Update:
/// unchanged) or, for Remove, the latest version, which is marked removed and stays readable. <see cref="SpecJson"/> is the
/// canonical JSON (<see cref="DefinitionJson"/>) and <see cref="Digest"/> its <see cref="DefinitionDigest"/>.
/// </summary>
public sealed record PlannedWrite(
    DefinitionKind Kind, string Name, PlanAction Action, int Version, string Digest, string SpecJson);
