namespace CreatiWall.Broker.Mqtt;

/// <summary>Why a connection ended, as the contract names it.</summary>
public enum EndReason
{
    Clean,
    KeepaliveTimeout,
    NetworkError,
    TakenOver,
    TokenExpired,
    Kicked,
}

public static class EndReasons
{
    public static string ToContract(this EndReason reason) => reason switch
    {
        EndReason.Clean => "clean",
        EndReason.KeepaliveTimeout => "keepalive-timeout",
        EndReason.TakenOver => "taken-over",
        EndReason.TokenExpired => "token-expired",
        EndReason.Kicked => "kicked",
        _ => "network-error",
    };
}
