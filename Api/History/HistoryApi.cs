using System.Text.Json;
using CreatiWall.Api.Auth;
using CreatiWall.Api.Errors;
using CreatiWall.Broker.Access;
using CreatiWall.Broker.Operations;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CreatiWall.Api.History;

public sealed record HistoryResponse(string Channel, long Since, IReadOnlyList<JsonElement> Messages);

/// <summary>Catching up after a disconnect: the kept envelopes of a channel.</summary>
public static class HistoryApi
{
    public const int MaxMessages = 1000;

    public static RouteGroupBuilder MapHistory(this RouteGroupBuilder api)
    {
        api.MapGet("/websocket/history", ReadAsync).WithTags("Realtime")
            .WithSummary("Envelopes of a channel after a seq, to catch up after a disconnect.")
            .WithMetadata(Routing.ApiGroup.Failure(StatusCodes.Status410Gone));
        return api;
    }

    /// <summary>
    /// The kept envelopes of a channel with <c>seq</c> greater than <c>since</c>, oldest first; 410 when messages after
    /// <c>since</c> were already dropped (the client then refetches state instead of replaying).
    /// </summary>
    static async Task<Results<Ok<ApiResponse<HistoryResponse>>, JsonHttpResult<ApiError>>> ReadAsync(
        string? channel, string? since, CurrentCaller current, BrokerOperations broker)
    {
        var caller = current.Principal;
        if (string.IsNullOrEmpty(channel))
        {
            return Reply.BadRequest("channel", "is required, e.g. tenant:t1, user:alice, content:t1 or a channel name");
        }

        if (!long.TryParse(since ?? "0", out var after) || after < 0)
        {
            return Reply.BadRequest("since", "must be a sequence number (0 or more)");
        }

        var resolved = Channels.Resolve(caller.Tenant, channel);
        if (resolved.Topic is not { } topic)
        {
            return resolved.Foreign ? Reply.Forbidden(resolved.Error!) : Reply.BadRequest("channel", resolved.Error!);
        }

        if (!AccessPolicy.IsAllowed(caller, AccessAction.Subscribe, topic))
        {
            return Reply.Forbidden($"you may not read channel '{channel}'");
        }

        var page = await broker.HistoryAsync(caller.Tenant, topic, after, MaxMessages);
        if (page.Truncated)
        {
            return Reply.Error(StatusCodes.Status410Gone, "history_truncated",
                $"since: messages after {after} are no longer kept (the oldest kept is {page.OldestKept}); refetch the current state");
        }

        var messages = page.Envelopes.Select(e => JsonDocument.Parse(e).RootElement).ToList();
        return Reply.Ok(new HistoryResponse(channel, after, messages));
    }
}
