using System.Text.Json;

namespace CreatiWall.Tests.Support;

/// <summary>A JWT's header and payload, read without checking anything (what a test wants to look at).</summary>
public static class JwtParts
{
    public static JsonElement Header(string token) => Part(token, 0);

    public static JsonElement Payload(string token) => Part(token, 1);

    static JsonElement Part(string token, int index)
    {
        var part = token.Split('.')[index].Replace('-', '+').Replace('_', '/');
        return JsonDocument.Parse(Convert.FromBase64String(part.PadRight(part.Length + ((4 - (part.Length % 4)) % 4), '='))).RootElement;
    }
}
