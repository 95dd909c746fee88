namespace CreatiWall.Tests.Identity;

/// <summary>The contract's id rule, <c>^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$</c>, read as JSON Schema reads it.</summary>
public sealed class IdsTests
{
    [Theory]
    [InlineData("a", true)]
    [InlineData("screen-1", true)]
    [InlineData("Lobby_2.east", true)]
    [InlineData("", false)]
    [InlineData("-screen", false)]
    [InlineData(".hidden", false)]
    [InlineData("screen 1", false)]
    [InlineData("a/b", false)]
    [InlineData("a+", false)]
    [InlineData("écran", false)]
    [InlineData("screen-1\n", false)] // .NET's regex '$' would let a final newline through
    [InlineData("\nscreen-1", false)]
    public void Ids_follow_the_contract_rule(string id, bool valid) => Assert.Equal(valid, Ids.IsValid(id));

    [Fact]
    public void Ids_are_at_most_128_characters() =>
        Assert.Equal((true, false), (Ids.IsValid(new string('a', 128)), Ids.IsValid(new string('a', 129))));
}
