using CreatiWall.Broker.Mqtt;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Options;

namespace CreatiWall.Api.Mqtt;

/// <summary>
/// Hands Kestrel connections (TCP, and WebSocket at the MQTT path) to the broker, each read and written by a
/// <see cref="PipeChannel"/>. Replaces MQTTnet's MqttConnectionHandler.
/// </summary>
public sealed class MqttListener(BrokerTransport transport, IOptions<MqttOptions> options, TimeProvider time) : ConnectionHandler
{
    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        if (connection.Features.Get<ITransferFormatFeature>() is { } transferFormat)
        {
            transferFormat.ActiveFormat = TransferFormat.Binary; // WebSocket frames carry binary MQTT packets.
        }

        var limits = new PipeChannel.Limits(options.Value.MaxPacketBytes, TimeSpan.FromSeconds(options.Value.PacketTimeoutSeconds), time);
        await transport.HandleAsync(new PipeChannel(connection, BrokerTransport.NewFormatter(), limits, transport.PacketRefused)); // disposed with it
    }
}
