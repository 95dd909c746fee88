using CreatiWall.Api.Auth;
using CreatiWall.Api.Errors;
using CreatiWall.Broker.Identity;
using CreatiWall.Broker.Operations;
using CreatiWall.Broker.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CreatiWall.Api.Devices;

public sealed record LayoutRef(string? LayoutId, string? MessageId);

public sealed record AckedLayout(string? LayoutId, string? Status);

public sealed record DeviceView(string Id, string Tenant, string Status, DateTimeOffset Since, string? Reason, LayoutRef? CurrentLayout, AckedLayout? LastAcknowledgedLayout);

public sealed record DevicesResponse(IReadOnlyList<DeviceView> Devices);

public static class DevicesApi
{
    /// <summary><c>GET /api/devices</c>: every device the caller's tenant has ever had (ops of <c>*</c>: all tenants).</summary>
    public static RouteGroupBuilder MapDevices(this RouteGroupBuilder api)
    {
        api.MapGet("/devices", ListAsync)
            .WithTags("Devices")
            .WithSummary("The tenant's devices: status, since, reason, current layout, last acknowledged layout.");
        return api;
    }

    static async Task<Ok<ApiResponse<DevicesResponse>>> ListAsync(CurrentCaller current, BrokerOperations broker)
    {
        var caller = current.Principal;
        var devices = await broker.DevicesAsync(caller.IsAllTenantsOps ? null : caller.Tenant);
        // Like the status topics: everyone in the tenant sees every device, a device only itself.
        var visible = devices.Where(d => caller.Role != Role.Device || d.DeviceId == caller.Subject);
        return Reply.Ok(new DevicesResponse(visible.Select(ToView).ToList()));
    }

    static DeviceView ToView(DeviceRecord d) => new(
        d.DeviceId,
        d.Tenant,
        d.Status,
        d.Since,
        d.Reason,
        d.CurrentLayoutId is null ? null : new LayoutRef(d.CurrentLayoutId, d.CurrentLayoutMessageId),
        d.AckedLayoutId is null && d.AckedLayoutStatus is null ? null : new AckedLayout(d.AckedLayoutId, d.AckedLayoutStatus));
}
