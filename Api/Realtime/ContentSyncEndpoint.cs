using System.Text.Json.Nodes;
using CreatiWall.Api.Auth;
using CreatiWall.Api.Errors;
using CreatiWall.Broker.Access;
using CreatiWall.Broker.Identity;
using CreatiWall.Broker.Messages;
using CreatiWall.Broker.Operations;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CreatiWall.Api.Realtime;

public static class ContentSyncEndpoint
{
    static readonly string[] Actions = ["create", "update", "delete"];

    public static async Task<Results<Ok<ApiResponse<BroadcastResponse>>, JsonHttpResult<ApiError>>> HandleAsync(
        ContentSyncRequest request, HttpContext http, BrokerOperations broker)
    {
        var caller = http.Caller();
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
}
