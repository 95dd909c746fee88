using CreatiWall.Api.Auth;
using CreatiWall.Api.Errors;
using CreatiWall.Broker.Identity;
using CreatiWall.Broker.Messages;
using CreatiWall.Broker.Mqtt;
using CreatiWall.Broker.Mqtt.Routing;
using CreatiWall.Broker.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CreatiWall.Api.Realtime;

public static class StatusEndpoint
{
    /// <summary>Live figures of the caller's tenant (all tenants for ops of <c>*</c>), with the users connected.</summary>
    public static async Task<Ok<ApiResponse<StatusResponse>>> HandleAsync(
        HttpContext http, ConnectionRegistry connections, MessageRouter subscriptions, IBrokerStore store)
    {
        var caller = http.Caller();
        var tenant = caller.IsAllTenantsOps ? null : caller.Tenant;
        var live = connections.Live.Where(c => tenant is null || c.Principal.Tenant == tenant).ToList();

        var channels = live
            .SelectMany(c => subscriptions.FiltersOf(c.ClientId).Select(Channels.OfFilter).Distinct().Select(channel => (channel, c.ClientId)))
            .GroupBy(x => x.channel, StringComparer.Ordinal)
            .Select(g => new ChannelCount(g.Key, g.Count()))
            .OrderBy(c => c.Channel, StringComparer.Ordinal)
            .ToList();

        // People (browsers, dashboards): connections of users and admins that do not act as a device.
        var users = live
            .Where(c => c.Principal is { Role: Role.User or Role.Admin, ActingDevice: null })
            .GroupBy(c => c.Principal.Subject, StringComparer.Ordinal)
            .Select(g => new ConnectedUser(g.Key, g.Count()))
            .OrderBy(u => u.UserId, StringComparer.Ordinal)
            .ToList();

        var devices = await store.ListDevicesAsync(tenant);
        var online = devices.Count(d => d.Status == DeviceRecord.Online);
        return Reply.Ok(new StatusResponse(live.Count, channels, new DeviceCounts(online, devices.Count - online), users));
    }
}
