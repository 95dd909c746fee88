namespace CreatiWall.Tests.Support;

public static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> every 25 ms for up to 15 s; on failure shows <paramref name="context"/>'s output.</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, ChildProcess? context = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold within 15 s\n" + context?.Output);
            await Task.Delay(25);
        }
    }
}
