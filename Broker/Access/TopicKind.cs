namespace CreatiWall.Broker.Access;

/// <summary>The rows of the contract's topic table.</summary>
public enum TopicKind
{
    Broadcast,
    User,
    Device,
    DeviceLayout,
    DeviceStatus,
    DeviceAck,
    Content,
    Channel,
    Sys,
}

/// <summary>
/// One row of the topic table reached by a topic or filter. <see cref="Tenant"/> and <see cref="Id"/> are null
/// when a wildcard stands there, i.e. the filter reaches every value.
/// </summary>
public readonly record struct TopicMatch(TopicKind Kind, string? Tenant, string? Id);

/// <summary>The rows one filter reaches (<see cref="TopicTable.Match"/>), held without allocating.</summary>
[System.Runtime.CompilerServices.InlineArray(TopicTable.ShapeCount)]
public struct TopicMatches
{
    TopicMatch _first;
}
