using System.Net;
using System.Text.Json;
using CreatiWall.Tests.Support;

namespace CreatiWall.Tests.Rest;

/// <summary>Health, the OpenAPI document and unknown routes.</summary>
[Collection(SharedHost.Name)]
public sealed class HttpSurfaceTests(BrokerHost host)
{
    [Fact]
    public async Task Health_and_readiness_answer()
    {
        Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync("/readyz")).StatusCode);
    }

    [Fact]
    public async Task The_openapi_document_lists_the_routes_and_the_bearer_scheme()
    {
        var document = JsonDocument.Parse(await host.Http.GetStringAsync("/openapi/v1.json")).RootElement;

        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/websocket/broadcast", paths);
        Assert.Contains("/api/websocket/layout-update", paths);
        Assert.Contains("/api/websocket/status", paths);
        Assert.Equal("bearer", document.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer").GetProperty("scheme").GetString());
    }

    [Fact]
    public async Task An_unknown_route_gets_the_error_shape()
    {
        var reply = await host.GetAsync("/api/nothing-here", null);
        Assert.Equal(HttpStatusCode.NotFound, reply.Status);
        Assert.Equal("not_found", reply.ErrorCode);
    }
}

/// <summary>A host with a tiny rate limit of its own, for callers and for requests without a valid token.</summary>
public sealed class RateLimitedHost : BrokerHost
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["RateLimit__PermitLimit"] = "3",
        ["RateLimit__TenantPermitLimit"] = "8",
        ["RateLimit__UnauthenticatedPermitLimit"] = "3",
        ["RateLimit__WindowSeconds"] = "600",
    };
}

public sealed class RateLimitTests(RateLimitedHost host) : IClassFixture<RateLimitedHost>
{
    [Fact]
    public async Task A_caller_over_the_limit_gets_429_and_others_are_unaffected()
    {
        var t = Tenants.New();
        var alice = host.Token(t, "alice");
        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            codes.Add((await host.GetAsync("/api/websocket/status", alice)).Status);
        }

        var limited = await host.GetAsync("/api/websocket/status", alice);
        var bob = await host.GetAsync("/api/websocket/status", host.Token(t, "bob"));

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], codes);
        Assert.Equal("rate_limited", limited.ErrorCode);
        Assert.Equal(HttpStatusCode.OK, bob.Status);
    }

    [Fact]
    public async Task Requests_with_bad_tokens_are_limited_per_address_too()
    {
        var t = Tenants.New();
        var forged = host.Token(t, "mallory")[..^4] + "AAAA";
        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            codes.Add((await host.GetAsync("/api/websocket/status", forged)).Status);
        }

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], codes);
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/api/websocket/status", host.Token(t, "carol"))).Status);
    }

    [Fact]
    public async Task A_tenant_over_its_limit_gets_429_for_every_user_and_other_tenants_are_unaffected()
    {
        var t = Tenants.New();
        var codes = new List<HttpStatusCode>();
        foreach (var user in new[] { "u1", "u1", "u1", "u1", "u2", "u2", "u3", "u3", "u4", "u4" }) // u1's fourth: over her own limit
        {
            codes.Add((await host.GetAsync("/api/websocket/status", host.Token(t, user))).Status);
        }

        var fresh = await host.GetAsync("/api/websocket/status", host.Token(t, "u5"));
        var elsewhere = await host.GetAsync("/api/websocket/status", host.Token(Tenants.New(), "u5"));

        // u1's refused fourth took none of the tenant's 8, so the tenant's ninth request is u4's second.
        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, 3), HttpStatusCode.TooManyRequests, .. Enumerable.Repeat(HttpStatusCode.OK, 5), HttpStatusCode.TooManyRequests], codes);
        Assert.Equal((HttpStatusCode.TooManyRequests, "rate_limited"), (fresh.Status, fresh.ErrorCode));
        Assert.Equal(HttpStatusCode.OK, elsewhere.Status);
        Assert.True(await Counters.ReadAsync(host, "cw_rest_rate_limited_total", "limit=\"tenant\"") >= 2); // one read: this host limits ops too
        Assert.True(await Counters.ReadAsync(host, "cw_rest_rate_limited_total", "limit=\"user\"") >= 1);
        Assert.Contains($"REST rate limit per tenant hit by {t}/u4", host.Logs, StringComparison.Ordinal);
    }
}
