using CreatiWall.Api.Auth;
using CreatiWall.Api.Errors;
using CreatiWall.Broker.Access;
using CreatiWall.Broker.Identity;
using CreatiWall.Broker.Messages;
using CreatiWall.Broker.Operations;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CreatiWall.Api.Realtime;

public static class BroadcastEndpoint
{
    public static async Task<Results<Ok<ApiResponse<BroadcastResponse>>, JsonHttpResult<ApiError>>> HandleAsync(
        BroadcastRequest request, HttpContext http, BrokerOperations broker)
    {
        var caller = http.Caller();
        if (!Ids.IsValid(request.Type))
        {
            return Reply.BadRequest("type", $"must match {Ids.Pattern}");
        }

        var resolution = ResolveChannel(caller, request);
        if (resolution.Error is { } error)
        {
            return error;
        }

        var (channel, topic) = resolution.Target!.Value;
        if (!AccessPolicy.IsAllowed(caller, AccessAction.Publish, topic))
        {
            return Reply.Forbidden($"you may not publish on channel '{channel}'");
        }

        var envelope = await broker.PublishAsync(caller.Tenant, topic, channel, request.Type, request.Data, caller.AsSender());
        return Reply.Ok(new BroadcastResponse(envelope.Id, topic, envelope.Seq));
    }

    sealed record Resolution((string Channel, string Topic)? Target, JsonHttpResult<ApiError>? Error);

    /// <summary>
    /// <c>channel</c> is a full channel (<c>user:bob</c>, <c>news</c>) or a kind (<c>tenant</c>, <c>user</c>, <c>device</c>)
    /// completed by <c>target</c>; neither means the caller's tenant.
    /// </summary>
    static Resolution ResolveChannel(Principal caller, BroadcastRequest request)
    {
        var channel = (request.Channel, request.Target) switch
        {
            (null, null) => Channels.Tenant(caller.Tenant),
            (null, _) => null,
            ("tenant" or "user" or "device", { } target) => $"{request.Channel}:{target}",
            (_, null) => request.Channel,
            _ => null,
        };
        if (channel is null)
        {
            return new(null, Reply.BadRequest("target", "goes with channel 'tenant', 'user' or 'device'"));
        }

        return Channels.Resolve(caller.Tenant, channel) switch
        {
            { Topic: { } topic } => new((channel, topic), null),
            { Foreign: true, Error: var error } => new(null, Reply.Forbidden(error!)),
            { Error: var error } => new(null, Reply.BadRequest(request.Target is null ? "channel" : "target", error!)),
        };
    }
}
