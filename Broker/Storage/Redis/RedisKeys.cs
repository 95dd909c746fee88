namespace CreatiWall.Broker.Storage.Redis;

/// <summary>
/// The store's key names. Every key of one tenant carries the hash tag <c>{tenant}</c>, so they all live in one slot of
/// a Redis Cluster and one script may touch any of them; only the lists of tenants are global keys.
/// </summary>
internal static class RedisKeys
{
    /// <summary>Set of the tenants that have devices.</summary>
    public const string Tenants = "cw:tenants";

    /// <summary>Set of the tenants that have retained messages.</summary>
    public const string RetainedTenants = "cw:retained-tenants";

    /// <summary>Set of the tenants that have kept history.</summary>
    public const string HistoryTenants = "cw:history-tenants";

    /// <summary>Sorted set of revoked tokens (see <see cref="RedisRevocations"/>).</summary>
    public const string Revocations = "cw:revocations";

    /// <summary>Written and read by the health ping.</summary>
    public const string Health = "cw:health";

    /// <summary>String: the last <c>seq</c> handed out (INCRBY).</summary>
    public static string Seq(string tenant) => Tag(tenant) + "seq";

    /// <summary>Hash of one device (see <see cref="RedisDevices"/>).</summary>
    public static string Device(string tenant, string device) => Tag(tenant) + "device:" + device;

    /// <summary>Set of the tenant's device ids.</summary>
    public static string Devices(string tenant) => Tag(tenant) + "devices";

    /// <summary>Hash: topic → retained message.</summary>
    public static string Retained(string tenant) => Tag(tenant) + "retained";

    /// <summary>Hash of one layout update: device id → delivery.</summary>
    public static string Deliveries(string tenant, string messageId) => Tag(tenant) + "layout:" + messageId;

    /// <summary>The stream of one history topic is this prefix and the topic.</summary>
    public static string HistoryStreamPrefix(string tenant) => Tag(tenant) + "history:";

    /// <summary>Sorted set of the tenant's kept history: member <c>"seq topic"</c>, score seq.</summary>
    public static string HistoryBySeq(string tenant) => Tag(tenant) + "history-seq";

    /// <summary>Sorted set of the same members, score the envelope's time (Unix ms).</summary>
    public static string HistoryByTime(string tenant) => Tag(tenant) + "history-at";

    /// <summary>String: every <c>seq</c> up to it has been dropped from the tenant's history.</summary>
    public static string HistoryFloor(string tenant) => Tag(tenant) + "history-floor";

    static string Tag(string tenant) => "cw:{" + tenant + "}:";
}
