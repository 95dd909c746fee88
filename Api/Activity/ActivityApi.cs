using CreatiWall.Api.Auth;
using CreatiWall.Api.Errors;
using CreatiWall.Broker.Operations;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CreatiWall.Api.Activity;

/// <summary>
/// <c>GET /api/activity</c>: the caller's tenant over the last hour, a point a minute (devices online, messages per
/// second in and out), for the dashboard's charts; read from memory, so cheap enough to ask once a minute.
/// </summary>
public static class ActivityApi
{
    public static RouteGroupBuilder MapActivity(this RouteGroupBuilder api)
    {
        api.MapGet("/activity", Read)
            .WithTags("Devices")
            .WithSummary("The tenant's last hour, a point a minute: devices online, messages per second in and out (this node; kept in memory).")
            .WithDescription("""
                points: up to 60 closed minutes, oldest first; current: the minute under way (its rates so far).
                messagesInPerSecond counts PUBLISH packets from the tenant's MQTT connections, messagesOutPerSecond those
                sent to them. An operator of every tenant (ops of "*") gets the sum of all tenants. A restart starts the
                series again; in cluster mode each node answers with its own connections.
                """);
        return api;
    }

    static Ok<ApiResponse<ActivityView>> Read(CurrentCaller current, BrokerOperations broker)
    {
        var caller = current.Principal;
        return Reply.Ok(broker.Activity(caller.IsAllTenantsOps ? null : caller.Tenant));
    }
}
