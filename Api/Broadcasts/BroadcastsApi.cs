using System.Text.Json.Nodes;
using CreatiWall.Api.Auth;
using CreatiWall.Api.Errors;
using CreatiWall.Broker.Access;
using CreatiWall.Broker.Identity;
using CreatiWall.Broker.Messages;
using CreatiWall.Broker.Operations;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CreatiWall.Api.Broadcasts;

public sealed record BroadcastRequest(string Type, JsonObject Data, string? Channel = null, string? Target = null);

public sealed record BroadcastResponse(string MessageId, string Topic, long Seq);

public sealed record ContentSyncRequest(string ContentType, string ContentId, string Action, JsonObject? Data = null);

/// <summary>Envelopes the server publishes for a caller: a broadcast on a channel, a content change.</summary>
public static class BroadcastsApi
{
    static readonly string[] Actions = ["create", "update", "delete"];

    public static RouteGroupBuilder MapBroadcasts(this RouteGroupBuilder api)
    {
        api.MapPost("/websocket/broadcast", BroadcastAsync).WithTags("Realtime")
            .WithSummary("Publish an envelope on a channel (default: the caller's tenant).");
        api.MapPost("/websocket/content-sync", ContentSyncAsync).WithTags("Realtime")
            .WithSummary("Tell the tenant that content was created, updated or deleted.");
        return api;
    }

    static async Task<Results<Ok<ApiResponse<BroadcastResponse>>, JsonHttpResult<ApiError>>> BroadcastAsync(
        BroadcastRequest request, CurrentCaller current, BrokerOperations broker)
    {
        var caller = current.Principal;
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

    static async Task<Results<Ok<ApiResponse<BroadcastResponse>>, JsonHttpResult<ApiError>>> ContentSyncAsync(
        ContentSyncRequest request, CurrentCaller current, BrokerOperations broker)
    {
        var caller = current.Principal;
        if (!Ids.IsValid(request.ContentType))
        {
            return Reply.BadRequest("contentType", $"must match {Ids.Pattern}");
        }

        if (!Ids.IsValid(request.ContentId))
        {
            return Reply.BadRequest("contentId", $"must match {Ids.Pattern}");
        }

        if (!Actions.Contains(request.Action))
        {
            return Reply.BadRequest("action", "must be create, update or delete");
        }

        var topic = Topics.Content(caller.Tenant);
        if (!AccessPolicy.IsAllowed(caller, AccessAction.Publish, topic))
        {
            return Reply.Forbidden("you may not publish content changes");
        }

        var data = new JsonObject
        {
            ["contentType"] = request.ContentType,
            ["contentId"] = request.ContentId,
            ["action"] = request.Action,
            ["data"] = request.Data?.DeepClone() ?? new JsonObject(),
        };
        var envelope = await broker.PublishAsync(caller.Tenant, topic, Channels.Content(caller.Tenant), MessageTypes.ContentSync, data, caller.AsSender());
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
