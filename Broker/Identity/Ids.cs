using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace CreatiWall.Broker.Identity;

/// <summary>The contract's id rule for tenants, users, devices and channel names.</summary>
public static partial class Ids
{
    public const string Pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$";

    [GeneratedRegex(Pattern, RegexOptions.CultureInvariant)]
    private static partial Regex IdRegex();

    public static bool IsValid([NotNullWhen(true)] string? id) => id is not null && IdRegex().IsMatch(id);
}
