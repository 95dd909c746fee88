using Microsoft.IdentityModel.JsonWebTokens;

namespace CreatiWall.DeviceAgent;

/// <summary>
/// The device's JWT: given as is, or read from a file again on every connection attempt, so a rotated token is picked
/// up without a restart (and after the server ended the connection because the old one expired).
/// </summary>
public abstract class TokenSource
{
    public abstract string Read();

    /// <summary>The token's <c>tenant</c> claim, read without validation (the broker validates).</summary>
    public string Tenant() => TenantOf(Read());

    public static string TenantOf(string jwt) => ClaimOf(jwt, "tenant") ?? throw new InvalidOperationException("the token has no tenant claim");

    public string? Claim(string name) => ClaimOf(Read(), name);

    static string? ClaimOf(string jwt, string name)
    {
        try
        {
            return new JsonWebToken(jwt).TryGetPayloadValue<string>(name, out var value) ? value : null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    public static TokenSource Fixed(string token) => new FixedToken(token);

    public static TokenSource FromFile(string path) => new FileToken(path);

    sealed class FixedToken(string token) : TokenSource
    {
        public override string Read() => token;
    }

    sealed class FileToken(string path) : TokenSource
    {
        public override string Read() => File.ReadAllText(path).Trim();
    }
}
