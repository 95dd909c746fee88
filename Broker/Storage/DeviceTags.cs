using System.Collections;

namespace CreatiWall.Broker.Storage;

/// <summary>A device's tags: distinct, in ordinal order, compared by value (so records holding them are too).</summary>
public sealed class DeviceTags : IReadOnlyList<string>, IEquatable<DeviceTags>
{
    /// <summary>The most tags one device may have.</summary>
    public const int Max = 32;

    public static readonly DeviceTags None = new([]);

    readonly string[] _tags;

    DeviceTags(string[] tags) => _tags = tags;

    public static DeviceTags Of(IEnumerable<string>? tags)
    {
        var set = tags?.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray() ?? [];
        return set.Length == 0 ? None : new DeviceTags(set);
    }

    /// <summary>From the stores' text form (<see cref="ToString"/>); null or empty: none.</summary>
    public static DeviceTags Parse(string? text) => string.IsNullOrEmpty(text) ? None : Of(text.Split(',', StringSplitOptions.RemoveEmptyEntries));

    public int Count => _tags.Length;

    public string this[int index] => _tags[index];

    public bool Has(string tag) => Array.BinarySearch(_tags, tag, StringComparer.Ordinal) >= 0;

    public bool Equals(DeviceTags? other) => other is not null && _tags.AsSpan().SequenceEqual(other._tags);

    public override bool Equals(object? obj) => Equals(obj as DeviceTags);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var tag in _tags)
        {
            hash.Add(tag, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }

    /// <summary>The stores' text form: comma-separated (a tag is an id, which holds no comma); empty for none.</summary>
    public override string ToString() => string.Join(',', _tags);

    public IEnumerator<string> GetEnumerator() => ((IEnumerable<string>)_tags).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
