namespace CreatiWall.Broker.Access;

public enum AccessAction
{
    /// <summary>PUBLISH from a client (or a REST call acting for one); <c>topic</c> has no wildcards.</summary>
    Publish,

    /// <summary>SUBSCRIBE; the filter may hold <c>+</c>, <c>#</c> or be <c>$share/group/filter</c>.</summary>
    Subscribe,

    /// <summary>The will set at CONNECT; like publish, plus a device's own status topic.</summary>
    Will,
}
