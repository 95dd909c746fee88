namespace CreatiWall.Contracts;

/// <summary>Builds the contract's topic names for tenant <c>t</c>.</summary>
public static class Topics
{
    public static string Broadcast(string tenant) => $"cw/{tenant}/broadcast";
    public static string User(string tenant, string user) => $"cw/{tenant}/users/{user}";
    public static string Device(string tenant, string device) => $"cw/{tenant}/devices/{device}";
    public static string DeviceLayout(string tenant, string device) => $"cw/{tenant}/devices/{device}/layout";
    public static string DeviceStatus(string tenant, string device) => $"cw/{tenant}/devices/{device}/status";
    public static string DeviceAck(string tenant, string device) => $"cw/{tenant}/devices/{device}/ack";
    public static string Content(string tenant) => $"cw/{tenant}/content";
    public static string Channel(string tenant, string name) => $"cw/{tenant}/channels/{name}";
}
