using MQTTnet.Protocol;

namespace CreatiWall.Broker.Mqtt;

/// <summary>Why a connection ended, as the contract names it.</summary>
internal enum EndReason
{
    Clean,
    KeepaliveTimeout,
    NetworkError,
    TakenOver,
    TokenExpired,
    Kicked,
    TokenRevoked,

    /// <summary>Its queue overflowed and <c>Mqtt:DisconnectSlowConsumers</c> is set (presence: <c>kicked</c>).</summary>
    SlowConsumer,

    /// <summary>It published faster than its limits and <c>Mqtt:PublishLimitAction</c> is <c>Disconnect</c> (presence: <c>kicked</c>).</summary>
    MessageRate,
}

internal static class EndReasons
{
    /// <summary>
    /// Why a connection ended when the server did not end it: the client's DISCONNECT, silence for 1.5 × its keepalive
    /// (MQTTnet's monitor stopped it), or else the network.
    /// </summary>
    public static EndReason Of(bool receivedDisconnect, ushort keepAliveSeconds, TimeSpan sinceLastPacket) =>
        receivedDisconnect ? EndReason.Clean
        : keepAliveSeconds > 0 && sinceLastPacket.TotalMilliseconds >= keepAliveSeconds * 1500d ? EndReason.KeepaliveTimeout
        : EndReason.NetworkError;

    /// <summary>The MQTT 5 DISCONNECT reason code of an end the server causes.</summary>
    public static MqttDisconnectReasonCode DisconnectCode(this EndReason reason) => reason switch
    {
        EndReason.TokenExpired => MqttDisconnectReasonCode.MaximumConnectTime,
        EndReason.Kicked => MqttDisconnectReasonCode.AdministrativeAction,
        EndReason.TokenRevoked => MqttDisconnectReasonCode.NotAuthorized,
        EndReason.TakenOver => MqttDisconnectReasonCode.SessionTakenOver,
        EndReason.SlowConsumer => MqttDisconnectReasonCode.QuotaExceeded,
        EndReason.MessageRate => MqttDisconnectReasonCode.MessageRateTooHigh,
        _ => MqttDisconnectReasonCode.NormalDisconnection,
    };

    public static string ToContract(this EndReason reason) => reason switch
    {
        EndReason.Clean => PresenceStatus.Clean,
        EndReason.KeepaliveTimeout => PresenceStatus.KeepaliveTimeout,
        EndReason.TakenOver => PresenceStatus.TakenOver,
        EndReason.TokenExpired => PresenceStatus.TokenExpired,
        EndReason.TokenRevoked => PresenceStatus.TokenRevoked,
        EndReason.Kicked or EndReason.SlowConsumer or EndReason.MessageRate => PresenceStatus.Kicked,
        _ => PresenceStatus.NetworkError,
    };
}
