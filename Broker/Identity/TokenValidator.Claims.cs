using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CreatiWall.Broker.Identity;

/// <summary>Reading the claims of a validly signed token into a <see cref="Principal"/>, against the contract's types and ids.</summary>
public sealed partial class TokenValidator
{
    static TokenValidation ToPrincipal(JsonWebToken jwt)
    {
        using var payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(jwt.EncodedPayload));
        var claims = payload.RootElement;
        if (WrongContractType(claims) is { } wrongType)
        {
            return TokenValidation.Refused(TokenProblem.WrongClaimType, wrongType);
        }

        if (!jwt.TryGetPayloadValue<string>("tenant", out var tenant) || string.IsNullOrEmpty(tenant))
        {
            return TokenValidation.Refused(TokenProblem.MissingTenant, "no tenant claim");
        }

        jwt.TryGetPayloadValue<string>("role", out var roleClaim);
        if (!Roles.TryParse(roleClaim, out var role))
        {
            return TokenValidation.Refused(TokenProblem.UnknownRole, $"role {Quote(roleClaim)} is not admin, user, device or ops");
        }

        var tenantValid = Ids.IsValid(tenant) || (role == Role.Ops && tenant == Principal.AllTenants);
        var subject = jwt.Subject;
        if (!tenantValid)
        {
            return TokenValidation.Refused(TokenProblem.InvalidId, tenant == Principal.AllTenants
                ? $"tenant '{Principal.AllTenants}' (all tenants) is for role ops only"
                : $"tenant {Quote(tenant)} is not a valid id");
        }

        if (!Ids.IsValid(subject))
        {
            return TokenValidation.Refused(TokenProblem.InvalidId, string.IsNullOrEmpty(subject) ? "no sub claim" : $"sub {Quote(subject)} is not a valid id");
        }

        if (!TryReadDevices(jwt, out var devices, out var badDevice))
        {
            return TokenValidation.Refused(TokenProblem.InvalidId, badDevice);
        }

        var expires = new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero);
        // A device token always acts as its own device.
        var actingDevice = role == Role.Device ? subject : null;
        return TokenValidation.Valid(new Principal(tenant, subject, role, devices, expires, actingDevice)
        {
            TokenId = jwt.TryGetPayloadValue<string>("jti", out var jti) && !string.IsNullOrEmpty(jti) ? jti : null,
            IssuedAt = jwt.TryGetPayloadValue<long>("iat", out var iat) ? DateTimeOffset.FromUnixTimeSeconds(iat) : null,
        });
    }

    /// <summary>
    /// The claims' JSON types, read from the payload itself: the token library turns a string <c>exp</c> into a date, a
    /// number <c>tenant</c> or <c>sub</c> into a string (42 would pass as the id "42") and skips a <c>devices</c> that is
    /// not an array, where RFC 7519 and the contract want them refused. Null when all fit, else what does not.
    /// </summary>
    static string? WrongContractType(JsonElement claims)
    {
        if (!claims.TryGetProperty("exp", out var exp) || exp.ValueKind != JsonValueKind.Number)
        {
            return exp.ValueKind == JsonValueKind.Undefined ? "no exp claim" : $"exp is {KindOf(exp)}, not a number";
        }

        if (claims.TryGetProperty("nbf", out var nbf) && nbf.ValueKind != JsonValueKind.Number)
        {
            return $"nbf is {KindOf(nbf)}, not a number";
        }

        foreach (var id in (ReadOnlySpan<string>)["tenant", "sub"])
        {
            if (claims.TryGetProperty(id, out var value) && value.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
            {
                return $"{id} is {KindOf(value)}, not an id string";
            }
        }

        return claims.TryGetProperty("devices", out var devices) && devices.ValueKind is not (JsonValueKind.Array or JsonValueKind.Null)
            ? $"devices is {KindOf(devices)}, not an array of ids"
            : null;
    }

    static bool TryReadDevices(JsonWebToken jwt, out IReadOnlySet<string> devices, out string problem)
    {
        devices = new HashSet<string>(StringComparer.Ordinal);
        problem = "";
        if (!jwt.TryGetPayloadValue<JsonElement>("devices", out var element))
        {
            return true;
        }

        var set = (HashSet<string>)devices;
        switch (element.ValueKind)
        {
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.String || !Ids.IsValid(item.GetString()))
                    {
                        problem = item.ValueKind == JsonValueKind.String
                            ? $"devices: {Quote(item.GetString())} is not a valid id"
                            : $"devices holds {KindOf(item)}, not an id string";
                        return false;
                    }

                    set.Add(item.GetString()!);
                }

                return true;
            case JsonValueKind.Null:
                return true;
            default:
                problem = $"devices is {KindOf(element)}, not an array of ids";
                return false;
        }
    }

    static string KindOf(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.Null => "null",
        _ => "missing",
    };

    /// <summary>A claim value in quotes, shortened, control characters escaped: it comes from whoever made the token.</summary>
    static string Quote(string? value)
    {
        var text = value ?? "";
        var quoted = new System.Text.StringBuilder("'");
        foreach (var c in text.Length > 64 ? text[..64] : text)
        {
            quoted.Append(char.IsControl(c) ? $"\\u{(int)c:x4}" : c);
        }

        return quoted.Append(text.Length > 64 ? "…'" : "'").ToString();
    }
}
