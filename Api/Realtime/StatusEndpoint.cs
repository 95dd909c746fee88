using CreatiWall.Api.Auth;
using CreatiWall.Api.Errors;
using CreatiWall.Broker.Operations;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CreatiWall.Api.Realtime;

public static class StatusEndpoint
{
    /// <summary>Live figures of the caller's tenant (all tenants for ops of <c>*</c>), with the users connected.</summary>
    public static async Task<Ok<ApiResponse<StatusResponse>>> HandleAsync(HttpContext http, BrokerOperations broker)
    {
        var caller = http.Caller();
        var status = await broker.StatusAsync(caller.IsAllTenantsOps ? null : caller.Tenant);
        return Reply.Ok(new StatusResponse(
            status.Connections,
            status.Channels.Select(c => new ChannelCount(c.Channel, c.Subscribers)).ToList(),
            new DeviceCounts(status.DevicesOnline, status.DevicesOffline),
            status.Users.Select(u => new ConnectedUser(u.UserId, u.Connections)).ToList()));
    }
}
