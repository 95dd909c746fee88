namespace CreatiWall.Broker.Mqtt;

internal static class ClientIds
{
    /// <summary>An id the server assigns to a client that connected with an empty one.</summary>
    public static string NewAssigned() => "auto-" + Guid.NewGuid().ToString("N");

    /// <summary>
    /// The id MQTTnet keys the session by: each tenant has a client-id space of its own, so nobody can hold (or block)
    /// a client id another tenant's screen uses. Tenant ids cannot contain '/'.
    /// </summary>
    public static string Scope(string tenant, string clientId) => $"{tenant}/{clientId}";
}
