using System.Buffers;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using CreatiWall.Broker.Access;
using CreatiWall.Broker.Identity;
using CreatiWall.Broker.Messages;
using CreatiWall.Broker.Mqtt;
using CreatiWall.Broker.Publishing;
using CreatiWall.Broker.Storage;
using Microsoft.Extensions.Logging;

namespace CreatiWall.Broker.LayoutUpdates;

/// <summary>The devices a layout update reached (an empty list when the caller may update none).</summary>
public sealed record LayoutUpdateResult(string MessageId, IReadOnlyList<string> Devices);

/// <summary>
/// Owns a layout update from the request to the screens and back: seqs, tracking rows, the retained publish per device,
/// durability, and the delivery state read from each device's PUBACK and <c>layout_ack</c>. Those two arrive on the
/// device's packet loop and are queued here, so no database commit ever holds a device's packets.
/// </summary>
public sealed partial class Layouts : IDeviceTrafficObserver, IAsyncDisposable
{
    /// <summary>The most devices one update may name.</summary>
    public const int MaxDevices = 10_000;

    readonly ServerPublisher _publisher;
    readonly ISequenceStore _sequences;
    readonly IDeviceStore _devices;
    readonly ILayoutDeliveryStore _deliveries;
    readonly IStoreDurability _durability;
    readonly ILogger<Layouts> _logger;
    readonly Channel<(string Tenant, string Device, LayoutState State, string? MessageId, LayoutAck? Ack)> _traffic =
        Channel.CreateUnbounded<(string, string, LayoutState, string?, LayoutAck?)>(new UnboundedChannelOptions { SingleReader = true });
    readonly Task _recording;

    internal Layouts(ServerPublisher publisher, ISequenceStore sequences, IDeviceStore devices, ILayoutDeliveryStore deliveries,
        IStoreDurability durability, ILogger<Layouts> logger)
    {
        (_publisher, _sequences, _devices, _deliveries, _durability, _logger) = (publisher, sequences, devices, deliveries, durability, logger);
        _recording = Task.Run(RecordTrafficAsync);
    }

    /// <summary>Whoever may publish on a device's own topic (its owners, admins) may change its layout.</summary>
    public static bool MayUpdate(Principal caller, string device) =>
        AccessPolicy.IsAllowed(caller, AccessAction.Publish, Topics.Device(caller.Tenant, device));

    /// <summary>
    /// Publishes <paramref name="layoutId"/> to <paramref name="deviceIds"/> (null: every known device of the tenant the
    /// caller may update; the caller checked an explicit list). One message id for the whole update; each device gets its
    /// own envelope (its own <c>seq</c>) as the retained message of its layout topic. Returns once each device's layout,
    /// its tracking row and its record are durable.
    /// </summary>
    public async Task<LayoutUpdateResult> UpdateAsync(Principal caller, string layoutId, JsonObject? layoutData, IReadOnlyList<string>? deviceIds)
    {
        var messageId = Envelope.NewId();
        var targets = (deviceIds ?? (await _devices.ListDevicesAsync(caller.Tenant)).Select(d => d.DeviceId).Where(d => MayUpdate(caller, d)).ToList())
            .Distinct(StringComparer.Ordinal).ToList();
        if (targets.Count == 0)
        {
            return new LayoutUpdateResult(messageId, []);
        }

        var tenant = caller.Tenant;
        var data = new JsonObject { ["layoutId"] = layoutId, ["layoutData"] = layoutData?.DeepClone() ?? new JsonObject() };
        var firstSeq = await _sequences.NextSeqsAsync(tenant, targets.Count);
        var envelopes = targets
            .Select((device, i) => (Device: device, Envelope: _publisher.Create(Channels.Device(device), MessageTypes.LayoutUpdate, data.DeepClone(), caller.AsSender(), firstSeq + i, messageId)))
            .ToList();

        // Tracked as pending before anything is sent, so a fast device's PUBACK or ack always finds its row.
        await _deliveries.AddLayoutDeliveriesAsync(tenant, messageId, layoutId, envelopes.Select(e => (e.Device, e.Envelope.Seq)).ToList());
        foreach (var (device, envelope) in envelopes)
        {
            await _publisher.PublishAsync(tenant, Topics.DeviceLayout(tenant, device), envelope, retain: true);
        }

        // Each device's retained layout (queued as it was published) and its record are committed before this returns.
        await _devices.SetCurrentLayoutAsync(tenant, targets, layoutId, messageId);
        await _durability.FlushAsync();
        return new LayoutUpdateResult(messageId, targets);
    }

    /// <summary>Where an update stands on each of its devices; empty when the tenant has no such update.</summary>
    public Task<IReadOnlyList<LayoutDelivery>> DeliveriesAsync(string tenant, string messageId) => _deliveries.GetLayoutDeliveriesAsync(tenant, messageId);

    public void LayoutDelivered(string tenant, string device, ReadOnlySequence<byte> payload)
    {
        if (LayoutEnvelopes.LayoutUpdateId(payload) is { } messageId)
        {
            _traffic.Writer.TryWrite((tenant, device, LayoutState.Delivered, messageId, null));
        }
    }

    public void AckPublished(string tenant, string device, ReadOnlySequence<byte> payload)
    {
        if (LayoutEnvelopes.ReadAck(payload) is { } ack)
        {
            _traffic.Writer.TryWrite((tenant, device, ack.Status == LayoutAckStatus.Applied ? LayoutState.Applied : LayoutState.Failed, ack.MessageId, ack));
        }
    }

    /// <summary>One at a time, in the order the devices sent them: a device's PUBACK is recorded before its ack.</summary>
    async Task RecordTrafficAsync()
    {
        await foreach (var (tenant, device, state, messageId, ack) in _traffic.Reader.ReadAllAsync())
        {
            try
            {
                if (ack is not null)
                {
                    await _devices.UpdateDeviceAsync(tenant, device, d => d with { AckedLayoutId = ack.LayoutId, AckedLayoutStatus = ack.Status });
                }

                if (messageId is not null)
                {
                    await _deliveries.AdvanceLayoutDeliveryAsync(tenant, messageId, device, state, ack?.Error);
                }
            }
            catch (Exception e)
            {
                LogNotRecorded(e, tenant, device, state);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _traffic.Writer.TryComplete();
        await _recording;
    }

    [LoggerMessage(LogLevel.Error, "Layout {State} of {Tenant}/{Device} could not be recorded")]
    partial void LogNotRecorded(Exception error, string tenant, string device, LayoutState state);
}
