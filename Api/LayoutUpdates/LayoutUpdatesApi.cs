using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CreatiWall.Api.Auth;
using CreatiWall.Api.Errors;
using CreatiWall.Broker.LayoutUpdates;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CreatiWall.Api.LayoutUpdates;

public sealed record LayoutUpdateRequest(string LayoutId, string[]? DeviceIds = null, JsonObject? LayoutData = null);

public sealed record LayoutUpdateResponse(string MessageId, IReadOnlyList<string> Devices);

public sealed record DeliveryView(string DeviceId, string LayoutId, long Seq, string State, string? Error, DateTimeOffset Updated);

public sealed record LayoutUpdateView(string MessageId, IReadOnlyList<DeliveryView> Devices);

/// <summary>Pushing a layout to screens (stored as each one's retained layout) and following its delivery.</summary>
public static partial class LayoutUpdatesApi
{
    [GeneratedRegex(@"^[0-9a-f]{32}\z")] // \z: a .NET "$" also matches before a final newline
    private static partial Regex MessageId();

    public static RouteGroupBuilder MapLayoutUpdates(this RouteGroupBuilder api)
    {
        api.MapPost("/websocket/layout-update", UpdateAsync).WithTags("Realtime").WithSummary("Store and push a layout to devices (retained).");
        api.MapGet("/layout-updates/{messageId}", GetAsync).WithTags("Devices").WithSummary("Where a layout update stands on each of its devices.");
        return api;
    }

    /// <summary>Checks the request, then hands it to <see cref="Layouts"/>, which answers once every device's layout is stored.</summary>
    static async Task<Results<Ok<ApiResponse<LayoutUpdateResponse>>, JsonHttpResult<ApiError>>> UpdateAsync(
        LayoutUpdateRequest request, CurrentCaller current, Layouts layouts)
    {
        var caller = current.Principal;
        if (!Ids.IsValid(request.LayoutId))
        {
            return Reply.BadRequest("layoutId", $"must match {Ids.Pattern}");
        }

        if (request.DeviceIds is { } devices)
        {
            if (devices.Length is 0 or > Layouts.MaxDevices)
            {
                return Reply.BadRequest("deviceIds", $"must list 1 to {Layouts.MaxDevices} devices, or be left out for all known devices");
            }

            if (devices.FirstOrDefault(d => !Ids.IsValid(d)) is { } bad)
            {
                return Reply.BadRequest("deviceIds", $"'{bad}' does not match {Ids.Pattern}");
            }

            if (devices.FirstOrDefault(d => !Layouts.MayUpdate(caller, d)) is { } foreign)
            {
                return Reply.Forbidden($"you may not update device '{foreign}'");
            }
        }

        var result = await layouts.UpdateAsync(caller, request.LayoutId, request.LayoutData, request.DeviceIds);
        return Reply.Ok(new LayoutUpdateResponse(result.MessageId, result.Devices));
    }

    /// <summary><c>GET /api/layout-updates/{messageId}</c>: per device pending | delivered | applied | failed.</summary>
    static async Task<Results<Ok<ApiResponse<LayoutUpdateView>>, JsonHttpResult<ApiError>>> GetAsync(string messageId, CurrentCaller current, Layouts layouts)
    {
        if (!MessageId().IsMatch(messageId))
        {
            return Reply.BadRequest("messageId", "must be the 32-character messageId returned by layout-update");
        }

        var deliveries = await layouts.DeliveriesAsync(current.Principal.Tenant, messageId);
        if (deliveries.Count == 0)
        {
            return Reply.NotFound($"no layout update '{messageId}' in your tenant");
        }

        return Reply.Ok(new LayoutUpdateView(messageId, deliveries
            .Select(d => new DeliveryView(d.DeviceId, d.LayoutId, d.Seq, d.State.ToString().ToLowerInvariant(), d.Error, d.Updated))
            .ToList()));
    }
}
