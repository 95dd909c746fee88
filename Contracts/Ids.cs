using System.Buffers;
using System.Diagnostics.CodeAnalysis;

namespace CreatiWall.Contracts;

/// <summary>The contract's id rule for tenants, users, devices and channel names.</summary>
public static class Ids
{
    public const string Pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$";
    const int MaxLength = 128;

    static readonly SearchValues<char> Rest = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-");

    public static bool IsValid([NotNullWhen(true)] string? id) => id is not null && IsValid(id.AsSpan());

    /// <summary>
    /// <see cref="Pattern"/> as JSON Schema reads it, checked without a regex: .NET's <c>$</c> also matches before a
    /// final newline, which would let <c>"screen-1\n"</c> through.
    /// </summary>
    public static bool IsValid(ReadOnlySpan<char> id) =>
        id.Length is > 0 and <= MaxLength && char.IsAsciiLetterOrDigit(id[0]) && id[1..].IndexOfAnyExcept(Rest) < 0;
}
