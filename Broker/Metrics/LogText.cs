using System.Text;

namespace CreatiWall.Broker.Metrics;

/// <summary>
/// What a client chose (a topic, a filter, a client id, a will topic in a reason) made fit for a log line: control and
/// line-separator characters escaped (<c>\u000a</c>), so nobody writes a line of their own into the log, and cut to
/// <see cref="MaxLength"/> characters, so a 64 KB topic costs a line, not 64 KB.
/// </summary>
internal static class LogText
{
    public const int MaxLength = 200;

    public static string Safe(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? "";
        }

        var cut = text.Length > MaxLength ? MaxLength - (char.IsHighSurrogate(text[MaxLength - 1]) ? 1 : 0) : text.Length;
        if (cut == text.Length && !text.AsSpan().ContainsAny(Unsafe))
        {
            return text;
        }

        var safe = new StringBuilder(cut + 16);
        foreach (var c in text.AsSpan(0, cut))
        {
            if (char.IsControl(c) || c is '\u2028' or '\u2029')
            {
                safe.Append(@"\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                safe.Append(c);
            }
        }

        return cut < text.Length ? safe.Append('…').ToString() : safe.ToString();
    }

    static readonly System.Buffers.SearchValues<char> Unsafe = System.Buffers.SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Select(i => (char)i), .. Enumerable.Range(0x7F, 0x21).Select(i => (char)i), '\u2028', '\u2029']);
}
