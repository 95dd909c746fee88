using System.Text.Json.Nodes;
using CreatiWall.Api.Auth;
using CreatiWall.Api.Errors;
using CreatiWall.Broker.Access;
using CreatiWall.Broker.Identity;
using CreatiWall.Broker.Messages;
using CreatiWall.Broker.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CreatiWall.Api.Realtime;

public static class LayoutUpdateEndpoint
{
    public const int MaxDevices = 10_000;

    /// <summary>
    /// One message id for the whole update; each device gets its own envelope (its own <c>seq</c>) as the retained
    /// message of its <c>layout</c> topic, stored before the response is sent.
    /// </summary>
    public static async Task<Results<Ok<ApiResponse<LayoutUpdateResponse>>, JsonHttpResult<ApiError>>> HandleAsync(
        LayoutUpdateRequest request, HttpContext http, ServerPublisher publisher, IBrokerStore store)
    {
        var caller = http.Caller();
        if (!Ids.IsValid(request.LayoutId))
        {
            return Reply.BadRequest("layoutId", $"must match {Ids.Pattern}");
        }

        var devices = request.DeviceIds;
        if (devices is not null)
        {
            if (devices.Length is 0 or > MaxDevices)
            {
                return Reply.BadRequest("deviceIds", $"must list 1 to {MaxDevices} devices, or be left out for all known devices");
            }

            if (devices.FirstOrDefault(d => !Ids.IsValid(d)) is { } bad)
            {
                return Reply.BadRequest("deviceIds", $"'{bad}' does not match {Ids.Pattern}");
            }

            if (devices.FirstOrDefault(d => !MayUpdate(caller, d)) is { } foreign)
            {
                return Reply.Forbidden($"you may not update device '{foreign}'");
            }
        }
        else
        {
            devices = (await store.ListDevicesAsync(caller.Tenant)).Select(d => d.DeviceId).Where(d => MayUpdate(caller, d)).ToArray();
        }

        var messageId = Envelope.NewId();
        var data = new JsonObject { ["layoutId"] = request.LayoutId, ["layoutData"] = request.LayoutData?.DeepClone() ?? new JsonObject() };
        var sender = caller.AsSender();
        var targets = devices.Distinct(StringComparer.Ordinal).ToList();
        if (targets.Count == 0)
        {
            return Reply.Ok(new LayoutUpdateResponse(messageId, []));
        }

        var firstSeq = await store.NextSeqsAsync(caller.Tenant, targets.Count);
        var envelopes = targets
            .Select((device, i) => (Device: device, Envelope: publisher.Create(Channels.Device(device), MessageTypes.LayoutUpdate, data.DeepClone(), sender, firstSeq + i, messageId)))
            .ToList();
        // Tracked as pending before anything is sent, so a fast device's PUBACK or ack always finds its row.
        await store.AddLayoutDeliveriesAsync(caller.Tenant, messageId, request.LayoutId, envelopes.Select(e => (e.Device, e.Envelope.Seq)).ToList());
        foreach (var (device, envelope) in envelopes)
        {
            await publisher.PublishAsync(caller.Tenant, Topics.DeviceLayout(caller.Tenant, device), envelope, retain: true);
        }

        // Each device's retained layout (one row each, queued as it was published) and its record are committed before the 2xx.
        await store.SetCurrentLayoutAsync(caller.Tenant, targets, request.LayoutId, messageId);
        await store.FlushAsync();

        return Reply.Ok(new LayoutUpdateResponse(messageId, envelopes.Select(e => e.Device).ToList()));
    }

    /// <summary>Whoever may publish on a device's own topic (its owners, admins) may change its layout.</summary>
    static bool MayUpdate(Principal caller, string device) =>
        AccessPolicy.IsAllowed(caller, AccessAction.Publish, Topics.Device(caller.Tenant, device));
}
