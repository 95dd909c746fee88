namespace CreatiWall.Broker.Storage;

/// <summary>
/// Everything the broker keeps beyond one connection and across restarts, as one service: each data area has its own
/// small interface, which consumers should prefer (a clustered implementation stands in for the embedded one through
/// the same interfaces). Changes asked for through any of them are applied in the order they are asked for.
/// </summary>
internal interface IBrokerStore : ISequenceStore, IDeviceStore, IRetainedStore, ILayoutDeliveryStore, IHistoryStore, IStoreDurability, IStoreHealth, IRevocationStore;
