namespace MlOps.Orleans.Features.Transforms;

/// <summary>A compile-time refusal of one expression; the message is shown to the user as the reason.</summary>
internal sealed class ExpressionException(string message) : Exception(message);
