using System.Text;
using System.Text.RegularExpressions;
using CreatiWall.Broker.Identity;
using CreatiWall.Tests.Support;
using Microsoft.Extensions.Options;

namespace CreatiWall.Tests.Cli;

/// <summary><c>checktoken JWT</c>: the host's verdict on a token, in words, and what the token may read and write.</summary>
public sealed class CheckTokenTests
{
    static readonly TokenIssuer Issuer = new(Options.Create(new JwtOptions { Secret = BrokerHost.Secret }));

    [Fact]
    public async Task A_good_token_is_accepted_with_its_claims_and_the_topics_it_may_read_and_write()
    {
        var token = Issuer.Issue("t1", "alice", Role.User, ["d1", "d2"], TimeSpan.FromHours(1));

        var result = await ApiCommand.RunAsync(["checktoken", token]);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("accepted", result.Lines[0]);
        Assert.Contains("tenant t1", result.Lines);
        Assert.Contains("sub alice", result.Lines);
        Assert.Contains("role user", result.Lines);
        Assert.Contains("devices d1, d2", result.Lines);
        Assert.Matches(@"^expires \S+Z \(in 3[56]\d\d s, 59 min \d+ s\)$", result.Lines.Single(l => l.StartsWith("expires")));
        Assert.Superset(
            new HashSet<string>
            {
                "read cw/t1/broadcast", "read cw/t1/users/alice", "read cw/t1/devices/d1", "read cw/t1/devices/d2/layout",
                "read cw/t1/devices/+/status", "read cw/t1/content", "read cw/t1/channels/#",
                "write cw/t1/broadcast", "write cw/t1/devices/d1", "write cw/t1/devices/d2", "write cw/t1/channels/#",
                "write cw/t1/devices/d1/ack", "will cw/t1/devices/d1/status", // when connected as device d1
            },
            result.Lines.ToHashSet());
        Assert.DoesNotContain(result.Lines, l => l is "write cw/t1/users/alice" or "read cw/t1/users/+" or "write cw/t1/devices/d1/layout");
        Assert.Contains("as device d1 (MQTT username d1), also:", result.Lines);
        Assert.DoesNotContain(token.Split('.')[2], result.Output);
    }

    [Theory]
    [InlineData(Role.Device, "screen-1", new[] { "read cw/t1/devices/screen-1/layout", "write cw/t1/devices/screen-1/ack", "will cw/t1/devices/screen-1/status" }, new[] { "write cw/t1/broadcast", "read cw/t1/devices/+/status" })]
    [InlineData(Role.Admin, "root", new[] { "read cw/t1/users/+", "write cw/t1/devices/+", "read cw/t1/devices/+/ack" }, new[] { "write cw/t1/devices/+/layout", "read $SYS/#" })]
    [InlineData(Role.Ops, "watcher", new[] { "read cw/t1/devices/+", "write (nothing)" }, new[] { "write cw/t1/broadcast" })]
    public async Task Each_role_gets_the_topics_the_access_policy_gives_it(Role role, string subject, string[] present, string[] absent)
    {
        var result = await ApiCommand.RunAsync(["checktoken", Issuer.Issue("t1", subject, role)]);

        Assert.Equal(0, result.ExitCode);
        Assert.Superset(present.ToHashSet(), result.Lines.ToHashSet());
        Assert.Empty(result.Lines.Intersect(absent));
    }

    [Fact]
    public async Task An_operator_of_all_tenants_reads_everything_and_writes_nothing()
    {
        var result = await ApiCommand.RunAsync(["checktoken", Issuer.Issue("*", "watcher", Role.Ops)]);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["read #", "read $SYS/#", "write (nothing)"], result.Lines.Where(l => l.StartsWith("read") || l.StartsWith("write")));
    }

    [Fact]
    public async Task An_expired_token_is_refused_saying_how_long_ago_it_expired()
    {
        var result = await ApiCommand.RunAsync(["checktoken", Issuer.Issue("t1", "alice", Role.User, lifetime: TimeSpan.FromSeconds(-120))]);

        Assert.Equal(1, result.ExitCode);
        var seconds = int.Parse(Regex.Match(result.Output, @"^refused: expired (\d+) s ago \(exp \S+Z, clock skew 30 s\)", RegexOptions.Multiline).Groups[1].Value);
        Assert.InRange(seconds, 120, 140);
    }

    [Fact]
    public async Task A_token_not_valid_yet_is_refused_saying_for_how_long()
    {
        var token = Issuer.Issue("t1", "alice", Role.User, lifetime: TimeSpan.FromHours(2), notBefore: DateTimeOffset.UtcNow.AddHours(1));

        var result = await ApiCommand.RunAsync(["checktoken", token]);

        Assert.Equal(1, result.ExitCode);
        var seconds = int.Parse(Regex.Match(result.Output, @"refused: not valid for another (\d+) s").Groups[1].Value);
        Assert.InRange(seconds, 3570, 3600);
    }

    [Fact]
    public async Task A_token_signed_with_another_secret_is_refused()
    {
        var other = new TokenIssuer(Options.Create(new JwtOptions { Secret = "another-secret-0123456789abcdef-0123456789" }));

        var result = await ApiCommand.RunAsync(["checktoken", other.Issue("t1", "alice", Role.User)]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("refused: signed with another key", result.Lines);
        Assert.Contains(result.Lines, l => l.StartsWith("checked with: environment Production; HS256 secret of 45 bytes (JWT_SECRET)"));
    }

    [Fact]
    public async Task An_unsigned_token_is_refused()
    {
        var token = $"{B64("""{"alg":"none","typ":"JWT"}""")}.{B64(Payload())}.";

        var result = await ApiCommand.RunAsync(["checktoken", token]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("refused: unsigned (alg 'none', no signature)", result.Lines);
    }

    [Theory]
    [InlineData("other", "screens", "refused: issuer 'other' is not 'cms'")]
    [InlineData(null, "screens", "refused: no issuer (iss): 'cms' is required")]
    [InlineData("cms", "other", "refused: audience 'other' is not 'screens'")]
    [InlineData("cms", null, "refused: no audience (aud): 'screens' is required")]
    public async Task Issuer_and_audience_are_checked_when_configured(string? issuer, string? audience, string expected)
    {
        var token = new TokenIssuer(Options.Create(new JwtOptions { Secret = BrokerHost.Secret, Issuer = issuer, Audience = audience })).Issue("t1", "alice", Role.User);
        var configured = new Dictionary<string, string?> { ["Jwt__Issuer"] = "cms", ["Jwt__Audience"] = "screens" };

        var refused = await ApiCommand.RunAsync(["checktoken", token], configured);
        var right = await ApiCommand.RunAsync(["checktoken", new TokenIssuer(Options.Create(new JwtOptions { Secret = BrokerHost.Secret, Issuer = "cms", Audience = "screens" })).Issue("t1", "alice", Role.User)], configured);

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains(expected, refused.Lines);
        Assert.Equal(0, right.ExitCode);
    }

    [Theory]
    [InlineData("""{"sub":"a/b"}""", "refused: sub 'a/b' is not a valid id")]
    [InlineData("""{"tenant":"t 1"}""", "refused: tenant 't 1' is not a valid id")]
    [InlineData("""{"devices":["d1","cw/#"]}""", "refused: devices: 'cw/#' is not a valid id")]
    [InlineData("""{"tenant":"*"}""", "refused: tenant '*' (all tenants) is for role ops only")]
    public async Task Bad_ids_are_refused_naming_the_claim_and_its_value(string claims, string expected)
    {
        var result = await ApiCommand.RunAsync(["checktoken", Sign(Payload(claims))]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(expected, result.Lines);
        Assert.Contains(result.Lines, l => l.StartsWith("ids match ^"));
    }

    [Theory]
    [InlineData("""{"exp":"9999999999"}""", "refused: exp is a string, not a number")]
    [InlineData("""{"nbf":"1000000000"}""", "refused: nbf is a string, not a number")]
    [InlineData("""{"devices":"d1"}""", "refused: devices is a string, not an array of ids")]
    [InlineData("""{"role":"root"}""", "refused: role 'root' is not admin, user, device or ops")]
    [InlineData("""{"tenant":null}""", "refused: no tenant claim")]
    public async Task Claims_of_the_wrong_type_or_value_are_refused_in_words(string claims, string expected)
    {
        var result = await ApiCommand.RunAsync(["checktoken", Sign(Payload(claims))]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(expected, result.Lines);
    }

    [Fact]
    public async Task A_configuration_the_host_would_refuse_accepts_no_token()
    {
        var result = await ApiCommand.RunAsync(["checktoken", Issuer.Issue("t1", "alice", Role.User)], new Dictionary<string, string?> { ["JWT_SECRET"] = "too-short" });

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("refused: the host would not start: JWT_SECRET (Jwt:Secret) is 9 bytes", result.Lines[0]);
    }

    [Theory]
    [InlineData(new string[] { "checktoken" }, "error: checktoken needs the token")]
    [InlineData(new[] { "checktoken", "a", "b" }, "error: checktoken takes one token")]
    [InlineData(new[] { "chektoken", "x" }, "error: unknown command 'chektoken'")]
    public async Task Usage_errors_exit_with_2_and_the_usage(string[] args, string error)
    {
        var result = await ApiCommand.RunAsync(args);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(error, result.Lines);
        Assert.Contains(result.Lines, l => l.StartsWith("usage: dotnet run --project Api --"));
    }

    /// <summary>A valid user payload of tenant t1 with <paramref name="changes"/> (a JSON object) laid over it; null removes a claim.</summary>
    static string Payload(string changes = "{}")
    {
        var payload = new System.Text.Json.Nodes.JsonObject
        {
            ["sub"] = "alice",
            ["tenant"] = "t1",
            ["role"] = "user",
            ["exp"] = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds(),
        };
        foreach (var (name, value) in System.Text.Json.Nodes.JsonNode.Parse(changes)!.AsObject())
        {
            payload.Remove(name);
            if (value is not null)
            {
                payload[name] = value.DeepClone();
            }
        }

        return payload.ToJsonString();
    }

    static string Sign(string payload)
    {
        var unsigned = $"{B64("""{"alg":"HS256","typ":"JWT"}""")}.{B64(payload)}";
        using var hmac = new System.Security.Cryptography.HMACSHA256(Encoding.UTF8.GetBytes(BrokerHost.Secret));
        return $"{unsigned}.{Base64Url(hmac.ComputeHash(Encoding.ASCII.GetBytes(unsigned)))}";
    }

    static string B64(string json) => Base64Url(Encoding.UTF8.GetBytes(json));

    static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
