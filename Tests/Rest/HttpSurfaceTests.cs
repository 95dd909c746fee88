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
        ["RateLimit__UnauthenticatedPermitLimit"] = "3",
        ["RateLimit__WindowSeconds"] = "600",
    };
}

public sealed class RateLimitTests(RateLimitedHost host) : IClassFixture<RateLimitedHost>
{
    [Fact]
    public async Task A_caller_over_the_limit_gets_429_and_others_are_unaffected()
    {
        var alice = host.Token("t1", "alice");
        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            codes.Add((await host.GetAsync("/api/websocket/status", alice)).Status);
        }

        var limited = await host.GetAsync("/api/websocket/status", alice);
        var bob = await host.GetAsync("/api/websocket/status", host.Token("t1", "bob"));

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], codes);
        Assert.Equal("rate_limited", limited.ErrorCode);
        Assert.Equal(HttpStatusCode.OK, bob.Status);
    }

    [Fact]
    public async Task Requests_with_bad_tokens_are_limited_per_address_too()
    {
        var forged = host.Token("t1", "mallory")[..^4] + "AAAA";
        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            codes.Add((await host.GetAsync("/api/websocket/status", forged)).Status);
        }

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], codes);
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/api/websocket/status", host.Token("t1", "carol"))).Status);
    }
}
