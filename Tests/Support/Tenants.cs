namespace CreatiWall.Tests.Support;

public static class Tenants
{
    /// <summary>A tenant no other test uses, so tests sharing a host never see each other's messages.</summary>
    public static string New() => "t" + Guid.NewGuid().ToString("N")[..8];
}
