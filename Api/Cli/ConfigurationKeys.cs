using System.ComponentModel;
using System.Reflection;

namespace CreatiWall.Api.Cli;

/// <summary>
/// The configuration keys the product knows, as a tree: each options class's public settable properties (read by
/// reflection, nested classes and lists included), keys named for later, and framework sections taken as they are.
/// </summary>
public sealed class ConfigurationKeys
{
    readonly Node _root = new("", null);

    sealed class Node(string name, Node? parent)
    {
        public string Name { get; } = name;
        public Node? Parent { get; } = parent;
        public Dictionary<string, Node> Children { get; } = new(StringComparer.OrdinalIgnoreCase);

        /// <summary>The element of a list: any index leads here.</summary>
        public Node? Items { get; set; }

        /// <summary>Anything below is accepted (framework sections, dictionaries).</summary>
        public bool AnyBelow { get; set; }

        public Node Child(string name) => Children.TryGetValue(name, out var child) ? child : Children[name] = new Node(name, this);

        public string Path => Parent is null || Parent.Parent is null ? Name : $"{Parent.Path}:{Name}";
    }

    /// <summary>The sections the product owns: every key in them is judged.</summary>
    public IEnumerable<string> OwnedSections => _root.Children.Values.Where(c => !c.AnyBelow).Select(c => c.Name);

    /// <summary>Every top-level name known (owned sections and framework ones).</summary>
    public IEnumerable<string> TopLevel => _root.Children.Keys;

    /// <summary>The keys of an options class bound at <paramref name="section"/>.</summary>
    public void AddOptions(string section, Type type) => AddProperties(_root.Child(section), type, depth: 0);

    /// <summary>A section whose keys are someone else's (Serilog, Kestrel, …): anything below it is accepted.</summary>
    public void AddFrameworkSection(string name) => _root.Child(name).AnyBelow = true;

    /// <summary>
    /// Null when <paramref name="key"/> is known; else the shortest unknown part of it and, when a known key is close, that
    /// key (<c>Mqtt:TcpPrt</c> → <c>Mqtt:TcpPort</c>).
    /// </summary>
    public (string Unknown, string? Suggestion)? Check(string key)
    {
        var segments = key.Split(':');
        var node = _root;
        var known = new List<string>();
        for (var i = 0; i < segments.Length; i++)
        {
            if (node.AnyBelow)
            {
                return null;
            }

            var segment = segments[i];
            if (node.Items is { } items && int.TryParse(segment, out _))
            {
                node = items;
                known.Add(segment);
                continue;
            }

            if (node.Children.TryGetValue(segment, out var child))
            {
                node = child;
                known.Add(child.Name);
                continue;
            }

            var unknown = string.Join(':', segments[..(i + 1)]);
            var suggestion = Closest(segment, node.Children.Keys);
            return (unknown, suggestion is null ? null : string.Join(':', [.. known, suggestion]));
        }

        return null;
    }

    /// <summary>Every leaf key of a section (<c>Mqtt:TcpPort</c>, …), to find the key a validation message names.</summary>
    public IEnumerable<string> Leaves(string section) =>
        _root.Children.TryGetValue(section, out var node) ? Leaves(node) : [];

    static IEnumerable<string> Leaves(Node node) =>
        node.Children.Count == 0 ? [node.Path] : node.Children.Values.SelectMany(Leaves);

    /// <summary>The known name nearest to <paramref name="name"/>, if near enough to be a slip of the keyboard.</summary>
    public static string? Closest(string name, IEnumerable<string> known)
    {
        var best = known
            .Select(k => (Name: k, Distance: Distance(name.ToLowerInvariant(), k.ToLowerInvariant())))
            .OrderBy(k => k.Distance).ThenBy(k => k.Name, StringComparer.Ordinal)
            .FirstOrDefault();
        if (best.Name is null)
        {
            return null;
        }

        var tolerated = Math.Clamp(best.Name.Length / 3, 1, 3);
        var truncated = name.Length >= 4 && best.Name.StartsWith(name, StringComparison.OrdinalIgnoreCase);
        return best.Distance <= tolerated || truncated ? best.Name : null;
    }

    /// <summary>Damerau–Levenshtein (optimal string alignment) distance: a swapped pair of letters counts once.</summary>
    static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }

    static void AddProperties(Node node, Type type, int depth)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.SetMethod is { IsPublic: true } && property.GetIndexParameters().Length == 0)
            {
                AddValue(node.Child(property.Name), property.PropertyType, depth + 1);
            }
        }
    }

    /// <summary>What the configuration binder accepts under a key of this type.</summary>
    static void AddValue(Node node, Type type, int depth)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (depth > 8 || IsScalar(type))
        {
            return;
        }

        if (type.IsArray)
        {
            AddValue(node.Items = new Node("[]", node), type.GetElementType()!, depth + 1);
            return;
        }

        var interfaces = type.GetInterfaces().Append(type).Where(i => i.IsGenericType).Select(i => (Definition: i.GetGenericTypeDefinition(), Arguments: i.GetGenericArguments())).ToList();
        if (interfaces.Any(i => i.Definition == typeof(IDictionary<,>) || i.Definition == typeof(IReadOnlyDictionary<,>)))
        {
            node.AnyBelow = true; // its keys are the operator's choice
            return;
        }

        if (interfaces.FirstOrDefault(i => i.Definition == typeof(IEnumerable<>)).Arguments is [var element])
        {
            AddValue(node.Items = new Node("[]", node), element, depth + 1);
            return;
        }

        AddProperties(node, type, depth);
    }

    static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) ||
        TypeDescriptor.GetConverter(type).CanConvertFrom(typeof(string));
}
