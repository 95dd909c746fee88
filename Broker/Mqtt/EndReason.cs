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
        _ => MqttDisconnectReasonCode.NormalDisconnection,
    };

    public static string ToContract(this EndReason reason) => reason switch
    {
        EndReason.Clean => PresenceStatus.Clean,
        EndReason.KeepaliveTimeout => PresenceStatus.KeepaliveTimeout,
        EndReason.TakenOver => PresenceStatus.TakenOver,
        EndReason.TokenExpired => PresenceStatus.TokenExpired,
        EndReason.Kicked => PresenceStatus.Kicked,
        EndReason.TokenRevoked => PresenceStatus.TokenRevoked,
        _ => PresenceStatus.NetworkError,
    };
}
