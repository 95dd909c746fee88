namespace CreatiWall.Broker.Mqtt;

public static class ClientIds
{
    /// <summary>An id the server assigns to a client that connected with an empty one.</summary>
    public static string NewAssigned() => "auto-" + Guid.NewGuid().ToString("N");
}
