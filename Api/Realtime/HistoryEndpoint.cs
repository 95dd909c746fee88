using System.Text.Json;
using CreatiWall.Api.Auth;
using CreatiWall.Api.Errors;
using CreatiWall.Broker.Access;
using CreatiWall.Broker.Messages;
using CreatiWall.Broker.Operations;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CreatiWall.Api.Realtime;

public sealed record HistoryResponse(string Channel, long Since, IReadOnlyList<JsonElement> Messages);

public static class HistoryEndpoint
{
    public const int MaxMessages = 1000;

    /// <summary>
    /// The kept envelopes of a channel with <c>seq</c> greater than <c>since</c>, oldest first; 410 when messages after
    /// <c>since</c> were already dropped (the client then refetches state instead of replaying).
    /// </summary>
    public static async Task<Results<Ok<ApiResponse<HistoryResponse>>, JsonHttpResult<ApiError>>> HandleAsync(
        string? channel, string? since, HttpContext http, BrokerOperations broker)
    {
        var caller = http.Caller();
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
