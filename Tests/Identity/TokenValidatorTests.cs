using System.Text;
using CreatiWall.Broker.Identity;
using Microsoft.Extensions.Options;

namespace CreatiWall.Tests.Identity;

public sealed class TokenValidatorTests
{
    const string Secret = "unit-test-secret-0123456789abcdef-xyz";
    static readonly JwtOptions Jwt = new() { Secret = Secret };
    readonly TokenIssuer _issuer = new(Options.Create(Jwt));
    readonly TokenValidator _validator = new(Options.Create(Jwt));

    [Fact]
    public async Task A_valid_token_gives_its_claims()
    {
        var result = await _validator.ValidateAsync(_issuer.Issue("t1", "alice", Role.User, ["d1", "d2"]));

        Assert.True(result.IsValid);
        Assert.Equal(("t1", "alice", Role.User), (result.Principal!.Tenant, result.Principal.Subject, result.Principal.Role));
        Assert.Equal(["d1", "d2"], result.Principal.Devices.Order());
        Assert.Null(result.Principal.ActingDevice);
    }

    [Fact]
    public async Task A_device_token_acts_as_its_device_and_the_role_defaults_to_user()
    {
        var device = await _validator.ValidateAsync(_issuer.Issue("t1", "screen-1", Role.Device));
        var noRole = await _validator.ValidateAsync(Sign(Payload(("role", null))));

        Assert.Equal("screen-1", device.Principal!.ActingDevice);
        Assert.Equal(Role.User, noRole.Principal!.Role);
    }

    [Fact]
    public async Task Ops_may_have_the_all_tenants_wildcard_but_nobody_else()
    {
        Assert.True((await _validator.ValidateAsync(_issuer.Issue("*", "watcher", Role.Ops))).IsValid);
        Assert.Equal(TokenProblem.InvalidId, (await _validator.ValidateAsync(_issuer.Issue("*", "alice", Role.Admin))).Problem);
    }

    [Fact]
    public async Task A_token_signed_with_another_secret_is_refused()
    {
        var other = new TokenIssuer(Options.Create(new JwtOptions { Secret = "another-secret-0123456789abcdef-0123" }));
        Assert.Equal(TokenProblem.BadSignature, (await _validator.ValidateAsync(other.Issue("t1", "alice", Role.User))).Problem);
    }

    [Fact]
    public async Task An_unsigned_alg_none_token_is_refused()
    {
        var header = B64("""{"alg":"none","typ":"JWT"}""");
        var token = $"{header}.{B64(Payload())}.";
        var result = await _validator.ValidateAsync(token);
        Assert.False(result.IsValid);
        Assert.Contains(result.Problem, new[] { TokenProblem.Unsigned, TokenProblem.BadSignature });
    }

    [Fact]
    public async Task A_token_with_a_tampered_payload_is_refused()
    {
        var parts = _issuer.Issue("t1", "alice", Role.User).Split('.');
        var forged = $"{parts[0]}.{B64(Payload(("role", "admin")))}.{parts[2]}";
        Assert.Equal(TokenProblem.BadSignature, (await _validator.ValidateAsync(forged)).Problem);
    }

    [Fact]
    public async Task Expiry_is_honoured_with_30_seconds_of_clock_skew()
    {
        var withinSkew = _issuer.Issue("t1", "alice", Role.User, lifetime: TimeSpan.FromSeconds(-20));
        var expired = _issuer.Issue("t1", "alice", Role.User, lifetime: TimeSpan.FromSeconds(-45));

        Assert.True((await _validator.ValidateAsync(withinSkew)).IsValid);
        Assert.Equal(TokenProblem.Expired, (await _validator.ValidateAsync(expired)).Problem);
    }

    [Fact]
    public async Task A_token_not_valid_yet_is_refused()
    {
        var token = _issuer.Issue("t1", "alice", Role.User, lifetime: TimeSpan.FromHours(2), notBefore: DateTimeOffset.UtcNow.AddMinutes(10));
        Assert.Equal(TokenProblem.NotYetValid, (await _validator.ValidateAsync(token)).Problem);
    }

    [Fact]
    public async Task A_token_without_exp_is_refused()
    {
        var payload = """{"sub":"alice","tenant":"t1"}""";
        Assert.False((await _validator.ValidateAsync(Sign(payload))).IsValid);
    }

    [Theory]
    [InlineData("tenant", null, TokenProblem.MissingTenant)]
    [InlineData("tenant", "", TokenProblem.MissingTenant)]
    [InlineData("tenant", "t/1", TokenProblem.InvalidId)]
    [InlineData("tenant", "+", TokenProblem.InvalidId)]
    [InlineData("sub", "a#b", TokenProblem.InvalidId)]
    [InlineData("sub", "-leading-dash", TokenProblem.InvalidId)]
    [InlineData("role", "root", TokenProblem.UnknownRole)]
    public async Task Claims_outside_the_contract_are_refused(string claim, string? value, TokenProblem problem) =>
        Assert.Equal(problem, (await _validator.ValidateAsync(Sign(Payload((claim, value))))).Problem);

    [Fact]
    public async Task A_device_list_with_an_invalid_id_is_refused()
    {
        var payload = Payload().Replace("\"sub\"", "\"devices\":[\"d1\",\"cw/#\"],\"sub\"");
        Assert.Equal(TokenProblem.InvalidId, (await _validator.ValidateAsync(Sign(payload))).Problem);
    }

    [Theory]
    [InlineData("\"devices\":\"d1\"")]
    [InlineData("\"devices\":5")]
    [InlineData("\"devices\":{\"d1\":true}")]
    [InlineData("\"exp\":\"9999999999\"")]
    [InlineData("\"nbf\":\"1000000000\"")]
    [InlineData("\"tenant\":42")]
    [InlineData("\"sub\":7")]
    [InlineData("\"tenant\":[\"t1\"]")]
    public async Task A_claim_of_the_wrong_json_type_is_refused(string claim)
    {
        var name = claim[1..claim.IndexOf('"', 1)];
        var payload = System.Text.Json.Nodes.JsonNode.Parse(Payload())!.AsObject();
        payload.Remove(name);
        var token = Sign(payload.ToJsonString().TrimEnd('}') + "," + claim + "}");

        Assert.Equal(TokenProblem.WrongClaimType, (await _validator.ValidateAsync(token)).Problem);
    }

    [Fact]
    public async Task A_fractional_exp_is_a_number_and_accepted()
    {
        var exp = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds() + 0.5;
        var payload = Payload().Replace("\"exp\":", $"\"exp\":{exp.ToString(System.Globalization.CultureInfo.InvariantCulture)},\"old_exp\":");
        Assert.True((await _validator.ValidateAsync(Sign(payload))).IsValid);
    }

    [Fact]
    public async Task Issuer_and_audience_are_checked_when_configured()
    {
        var strict = new JwtOptions { Secret = Secret, Issuer = "cms", Audience = "screens" };
        var validator = new TokenValidator(Options.Create(strict));

        Assert.True((await validator.ValidateAsync(new TokenIssuer(Options.Create(strict)).Issue("t1", "a", Role.User))).IsValid);
        Assert.Equal(TokenProblem.WrongIssuer, (await validator.ValidateAsync(new TokenIssuer(Options.Create(new JwtOptions { Secret = Secret, Issuer = "other", Audience = "screens" })).Issue("t1", "a", Role.User))).Problem);
        Assert.Equal(TokenProblem.WrongAudience, (await validator.ValidateAsync(new TokenIssuer(Options.Create(new JwtOptions { Secret = Secret, Issuer = "cms", Audience = "other" })).Issue("t1", "a", Role.User))).Problem);
    }

    [Fact]
    public async Task A_refusal_says_in_words_and_figures_what_was_wrong_for_the_operator()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.Parse("2026-03-01T12:00:00Z"));
        var validator = new TokenValidator(Options.Create(Jwt), time);
        var issuer = new TokenIssuer(Options.Create(Jwt), time);

        var expired = await validator.ValidateAsync(issuer.Issue("t1", "alice", Role.User, lifetime: TimeSpan.FromSeconds(-120)));
        var early = await validator.ValidateAsync(issuer.Issue("t1", "alice", Role.User, lifetime: TimeSpan.FromHours(2), notBefore: time.GetUtcNow().AddHours(1)));

        Assert.Equal("expired 120 s ago (exp 2026-03-01T11:58:00Z, clock skew 30 s)", expired.Detail);
        Assert.Equal("not valid for another 3600 s (nbf 2026-03-01T13:00:00Z, clock skew 30 s)", early.Detail);
        Assert.Equal("the token has expired", expired.Describe()); // what clients and logs get: no figures, no claim values
    }

    [Fact]
    public async Task Claim_values_quoted_in_a_refusal_are_shortened_and_escaped()
    {
        var newline = await _validator.ValidateAsync(Sign(Payload(("sub", "a\nb"))));
        var tooLong = await _validator.ValidateAsync(Sign(Payload(("sub", new string('x', 200)))));

        Assert.Equal("sub 'a\\u000ab' is not a valid id", newline.Detail);
        Assert.Equal($"sub '{new string('x', 64)}…' is not a valid id", tooLong.Detail);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not-a-jwt")]
    [InlineData("a.b.c")]
    public async Task Garbage_is_refused(string? token) =>
        Assert.False((await _validator.ValidateAsync(token)).IsValid);

    [Fact]
    public async Task An_oversized_token_is_refused_without_parsing() =>
        Assert.Equal(TokenProblem.Malformed, (await _validator.ValidateAsync(new string('a', TokenValidator.MaxTokenBytes + 1))).Problem);

    static string Payload(params (string Claim, string? Value)[] overrides)
    {
        var claims = new Dictionary<string, object?>
        {
            ["sub"] = "alice",
            ["tenant"] = "t1",
            ["role"] = "user",
            ["exp"] = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds(),
        };
        foreach (var (claim, value) in overrides)
        {
            if (value is null)
            {
                claims.Remove(claim);
            }
            else
            {
                claims[claim] = value;
            }
        }

        return System.Text.Json.JsonSerializer.Serialize(claims);
    }

    static string Sign(string payload)
    {
        var unsigned = $"{B64("""{"alg":"HS256","typ":"JWT"}""")}.{B64(payload)}";
        using var hmac = new System.Security.Cryptography.HMACSHA256(Encoding.UTF8.GetBytes(Secret));
        return $"{unsigned}.{Base64Url(hmac.ComputeHash(Encoding.ASCII.GetBytes(unsigned)))}";
    }

    static string B64(string json) => Base64Url(Encoding.UTF8.GetBytes(json));

    static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

public sealed class JwtOptionsValidatorTests
{
    [Theory]
    [InlineData(null, null, false, "is not set")]
    [InlineData("short", null, false, "is 5 bytes")]
    [InlineData(null, "https://login.example.com/realms/signage", true, null)]
    [InlineData("0123456789abcdef0123456789abcdef", null, true, null)]
    [InlineData(null, "not a url", false, "Jwt:Authority")]
    public void A_secret_or_an_authority_is_required(string? secret, string? authority, bool valid, string? message)
    {
        var result = new JwtOptionsValidator().Validate(null, new JwtOptions { Secret = secret, Authority = authority });
        Assert.Equal(valid, result.Succeeded);
        if (message is not null)
        {
            Assert.Contains(message, result.FailureMessage);
        }
    }
}
