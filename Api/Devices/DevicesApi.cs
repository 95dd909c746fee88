using CreatiWall.Api.Auth;
using CreatiWall.Api.Errors;
using CreatiWall.Api.Routing;
using CreatiWall.Broker.Access;
using CreatiWall.Broker.Identity;
using CreatiWall.Broker.Operations;
using CreatiWall.Broker.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CreatiWall.Api.Devices;

/// <summary>
/// The device registry: pages of the tenant's devices (filtered), one device, and what admins and owners register for
/// a device (name, tags, location). Like the status topics, everyone in the tenant sees every device, a device only itself.
/// </summary>
public static class DevicesApi
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;
    const int MaxQuery = 200;

    public static RouteGroupBuilder MapDevices(this RouteGroupBuilder api)
    {
        api.MapGet("/devices", ListAsync)
            .WithTags("Devices")
            .WithSummary("A page of the tenant's devices, filtered by status, tag or text; follow nextCursor for the next page.");
        api.MapGet("/devices/{deviceId}", GetAsync)
            .WithTags("Devices")
            .WithSummary("One device of the tenant: status, layouts, name, tags, location.")
            .WithMetadata(ApiGroup.Failure(StatusCodes.Status404NotFound));
        api.MapPut("/devices/{deviceId}", PutAsync)
            .WithTags("Devices")
            .WithSummary("Register a device's name, tags and location (its admins and owners); replaces what it had.");
        return api;
    }

    /// <summary><c>GET /api/devices?status=&amp;tag=&amp;q=&amp;limit=&amp;cursor=</c> (ops of <c>*</c>: every tenant).</summary>
    static async Task<Results<Ok<ApiResponse<DevicesResponse>>, JsonHttpResult<ApiError>>> ListAsync(
        CurrentCaller current, BrokerOperations broker, string? status = null, string? tag = null, string? q = null, int? limit = null, string? cursor = null)
    {
        var caller = current.Principal;
        status = DeviceInfoRequest.Clean(status);
        tag = DeviceInfoRequest.Clean(tag);
        q = DeviceInfoRequest.Clean(q);
        if (status is not (null or DeviceRecord.Online or DeviceRecord.Offline))
        {
            return Reply.BadRequest("status", $"must be {DeviceRecord.Online} or {DeviceRecord.Offline}");
        }

        if (tag is not null && !Ids.IsValid(tag))
        {
            return Reply.BadRequest("tag", $"must match {Ids.Pattern}");
        }

        if (q is { Length: > MaxQuery })
        {
            return Reply.BadRequest("q", $"at most {MaxQuery} characters");
        }

        if (limit is < 1 or > MaxLimit)
        {
            return Reply.BadRequest("limit", $"must be 1 to {MaxLimit} (default {DefaultLimit})");
        }

        var tenant = caller.IsAllTenantsOps ? null : caller.Tenant;
        var after = string.IsNullOrEmpty(cursor) ? null : DeviceCursor.Decode(cursor);
        if (!string.IsNullOrEmpty(cursor) && (after is null || (tenant is not null && after.Tenant != tenant)))
        {
            return Reply.BadRequest("cursor", "not a cursor of this list: pass the nextCursor of the page before, unchanged");
        }

        var query = new DeviceQuery(tenant, status, tag, q, limit ?? DefaultLimit, after);
        if (caller.Role == Role.Device)
        {
            var self = await broker.DeviceAsync(caller.Tenant, caller.Subject);
            return Reply.Ok(new DevicesResponse(self is not null && query.Matches(self) ? [DeviceView.Of(self)] : []));
        }

        var page = await broker.QueryDevicesAsync(query);
        return Reply.Ok(new DevicesResponse(page.Devices.Select(DeviceView.Of).ToList(), page.Next is { } next ? DeviceCursor.Encode(next) : null));
    }

    /// <summary><c>GET /api/devices/{deviceId}</c>: 404 when the caller's tenant has no such device (or the caller, a device, is another).</summary>
    static async Task<Results<Ok<ApiResponse<DeviceView>>, JsonHttpResult<ApiError>>> GetAsync(string deviceId, CurrentCaller current, BrokerOperations broker)
    {
        var caller = current.Principal;
        if (!Ids.IsValid(deviceId))
        {
            return Reply.BadRequest("deviceId", $"must match {Ids.Pattern}");
        }

        var device = caller.Role == Role.Device && caller.Subject != deviceId ? null : await broker.DeviceAsync(caller.Tenant, deviceId);
        return device is null ? Reply.NotFound($"no device '{deviceId}' in your tenant") : Reply.Ok(DeviceView.Of(device));
    }

    /// <summary>
    /// <c>PUT /api/devices/{deviceId}</c>: whoever may publish on the device's own topic (its owners, the tenant's admins)
    /// registers it; a device not seen yet is created, offline, as a layout update to it would.
    /// </summary>
    static async Task<Results<Ok<ApiResponse<DeviceView>>, JsonHttpResult<ApiError>>> PutAsync(
        string deviceId, DeviceInfoRequest request, CurrentCaller current, BrokerOperations broker)
    {
        var caller = current.Principal;
        if (!Ids.IsValid(deviceId))
        {
            return Reply.BadRequest("deviceId", $"must match {Ids.Pattern}");
        }

        if (!AccessPolicy.IsAllowed(caller, AccessAction.Publish, Topics.Device(caller.Tenant, deviceId)))
        {
            return Reply.Forbidden($"you may not change device '{deviceId}': its owners and the tenant's admins may");
        }

        if (request.Problem() is var (field, problem))
        {
            return Reply.BadRequest(field, problem);
        }

        var device = await broker.RegisterDeviceAsync(caller.Tenant, deviceId,
            DeviceInfoRequest.Clean(request.Name), DeviceTags.Of(request.Tags), DeviceInfoRequest.Clean(request.Location));
        return Reply.Ok(DeviceView.Of(device));
    }
}
