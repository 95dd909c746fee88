using MQTTnet;

namespace CreatiWall.Broker.Storage;

/// <summary>
/// Reads of single retained messages, for cluster mode: a node reads what a new subscription needs instead of holding
/// every tenant's retained set in memory (<see cref="IRetainedStore.LoadRetainedAsync"/> is then not called). Implemented
/// by the Redis store only; <c>$SYS</c> topics are per node and never found here.
/// </summary>
internal interface IRetainedLookup
{
    /// <summary>The retained message of <paramref name="topic"/>, or null when it has none.</summary>
    Task<MqttApplicationMessage?> GetRetainedAsync(string topic);

    /// <summary>Every retained message of <paramref name="tenant"/> (topics <c>cw/tenant/…</c>), in no particular order.</summary>
    Task<IReadOnlyList<MqttApplicationMessage>> ListRetainedAsync(string tenant);

    /// <summary>The tenants that have retained messages (for a filter that spans tenants, e.g. an operator's <c>#</c>).</summary>
    Task<IReadOnlyList<string>> ListRetainedTenantsAsync();
}
