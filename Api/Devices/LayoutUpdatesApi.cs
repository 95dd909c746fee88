using System.Text.RegularExpressions;
using CreatiWall.Api.Auth;
using CreatiWall.Api.Errors;
using CreatiWall.Api.RateLimiting;
using CreatiWall.Broker.LayoutUpdates;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CreatiWall.Api.Devices;

public sealed record DeliveryView(string DeviceId, string LayoutId, long Seq, string State, string? Error, DateTimeOffset Updated);

public sealed record LayoutUpdateView(string MessageId, IReadOnlyList<DeliveryView> Devices);

public static partial class LayoutUpdatesApi
{
    [GeneratedRegex(@"^[0-9a-f]{32}\z")] // \z: a .NET "$" also matches before a final newline
    private static partial Regex MessageId();

    /// <summary><c>GET /api/layout-updates/{messageId}</c>: per device pending | delivered | applied | failed.</summary>
    public static WebApplication MapLayoutUpdates(this WebApplication app)
    {
        app.MapGet("/api/layout-updates/{messageId}", GetAsync)
            .WithTags("Devices")
            .WithSummary("Where a layout update stands on each of its devices.")
            .RequireCaller();
        return app;
    }

    static async Task<Results<Ok<ApiResponse<LayoutUpdateView>>, JsonHttpResult<ApiError>>> GetAsync(string messageId, HttpContext http, Layouts layouts)
    {
        var caller = http.Caller();
        if (!MessageId().IsMatch(messageId))
        {
            return Reply.BadRequest("messageId", "must be the 32-character messageId returned by layout-update");
        }

        var deliveries = await layouts.DeliveriesAsync(caller.Tenant, messageId);
        if (deliveries.Count == 0)
        {
            return Reply.NotFound($"no layout update '{messageId}' in your tenant");
        }

        return Reply.Ok(new LayoutUpdateView(messageId, deliveries
            .Select(d => new DeliveryView(d.DeviceId, d.LayoutId, d.Seq, d.State.ToString().ToLowerInvariant(), d.Error, d.Updated))
            .ToList()));
    }
}
