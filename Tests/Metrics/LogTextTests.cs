using CreatiWall.Broker.Metrics;

namespace CreatiWall.Tests.Metrics;

public sealed class LogTextTests
{
    [Theory]
    [InlineData("cw/t1/broadcast", "cw/t1/broadcast")]
    [InlineData("a\nb", "a\\u000ab")]
    [InlineData("a\r\n[12:00:00 INF] b", "a\\u000d\\u000a[12:00:00 INF] b")]
    [InlineData("a\u0000b\u001bc\u0085d\u2028e", "a\\u0000b\\u001bc\\u0085d\\u2028e")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void Control_characters_are_escaped(string? text, string logged) => Assert.Equal(logged, LogText.Safe(text));

    [Fact]
    public void Long_values_are_cut_without_splitting_a_character()
    {
        Assert.Equal(new string('x', LogText.MaxLength) + "…", LogText.Safe(new string('x', 70_000)));
        Assert.Equal(new string('x', LogText.MaxLength), LogText.Safe(new string('x', LogText.MaxLength)));
        var emoji = new string('x', LogText.MaxLength - 1) + "😀";
        Assert.Equal(new string('x', LogText.MaxLength - 1) + "…", LogText.Safe(emoji));
    }
}
