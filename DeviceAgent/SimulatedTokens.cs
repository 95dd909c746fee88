using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CreatiWall.DeviceAgent;

/// <summary>For --simulate with --dev-secret: a device token per simulated screen, signed like the broker's dev tokens.</summary>
public static class SimulatedTokens
{
    public static string Issue(string secret, string tenant, string device, TimeSpan lifetime) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Claims = new Dictionary<string, object> { ["sub"] = device, ["tenant"] = tenant, ["role"] = "device" },
            Expires = DateTime.UtcNow + lifetime,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)), SecurityAlgorithms.HmacSha256),
        });
}
