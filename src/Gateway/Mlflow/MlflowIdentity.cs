using System.Text;
using System.Text.Json;

namespace MlOps.Orleans.Gateway.Mlflow;

/// <summary>
/// Who is calling, as MLflow clients say it: <c>Authorization: Basic</c> (MLFLOW_TRACKING_USERNAME) or <c>Bearer</c>
/// (MLFLOW_TRACKING_TOKEN; a JWT's <c>sub</c>). A hook for the security work: nothing is verified here yet.
/// </summary>
internal static class MlflowIdentity
{
    public static string? UserId(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
                var colon = decoded.IndexOf(':', StringComparison.Ordinal);
                return colon > 0 ? decoded[..colon] : null;
            }
            catch (FormatException) { return null; }
        }
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return JwtSubject(header[7..].Trim());
        return null;
    }

    private static string? JwtSubject(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3) return null;
        try
        {
            var payload = parts[1].Replace('-', '+').Replace('_', '/');
            payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
            using var json = JsonDocument.Parse(Convert.FromBase64String(payload));
            return json.RootElement.TryGetProperty("sub", out var sub) && sub.ValueKind == JsonValueKind.String ? sub.GetString() : null;
        }
        catch (Exception e) when (e is FormatException or JsonException) { return null; }
    }
}
