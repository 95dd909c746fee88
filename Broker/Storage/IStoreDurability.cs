namespace CreatiWall.Broker.Storage;

/// <summary>A barrier for changes whose tasks were not awaited (e.g. retained messages saved as they are published).</summary>
internal interface IStoreDurability
{
    /// <summary>
    /// Completes once every change asked for before this call (through any of the store's interfaces) is durable and
    /// visible to reads started afterwards.
    /// </summary>
    Task FlushAsync();
}
