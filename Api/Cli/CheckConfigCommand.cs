using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration.CommandLine;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Options;

namespace CreatiWall.Api.Cli;

/// <summary>
/// <c>checkconfig</c>: every unknown key in the sections the product owns (with the known key it was probably meant to
/// be) and every value the host would refuse at start-up, found by running the host's own options validation.
/// </summary>
public static partial class CheckConfigCommand
{
    const string Usage = "usage: dotnet run --project Api -- checkconfig";

    /// <summary>Top-level keys of ASP.NET Core, its host and Serilog: their contents are theirs to judge.</summary>
    static readonly string[] FrameworkSections =
    [
        "Serilog", "Logging", "AllowedHosts", "Kestrel", "Authentication", "ConnectionStrings", "HostFiltering",
        "urls", "http_ports", "https_ports", "environment", "contentRoot", "webroot", "applicationName", "detailedErrors",
        "shutdownTimeoutSeconds", "suppressStatusMessages", "hostingStartupAssemblies", "hostingStartupExcludeAssemblies",
        "preventHostingStartup", "$schema",
    ];

    public static async Task<int> RunAsync(WebApplicationBuilder builder, string[] args)
    {
        if (args.Length != 0)
        {
            return Command.UsageError($"checkconfig takes no arguments ('{args[0]}')", Usage);
        }

        var bound = BoundOptions(builder.Services).ToList();
        var keys = new ConfigurationKeys();
        foreach (var (section, type) in bound)
        {
            keys.AddOptions(section, type);
        }

        foreach (var section in FrameworkSections)
        {
            keys.AddFrameworkSection(section);
        }

        IConfigurationRoot configuration = builder.Configuration;
        var problems = UnknownKeys(configuration, keys).ToList();
        // The host's services, not the host: building the web application would already start Kestrel's configuration.
        await using (var services = builder.Services.BuildServiceProvider())
        {
            foreach (var (section, type) in bound)
            {
                problems.AddRange(InvalidValues(services, section, type, configuration, keys));
            }
        }

        foreach (var problem in problems)
        {
            Console.WriteLine(problem);
        }

        var environment = $"environment {builder.Environment.EnvironmentName}";
        Console.WriteLine(problems.Count == 0
            ? $"configuration OK ({environment})"
            : $"{problems.Count} configuration problem{(problems.Count == 1 ? "" : "s")} ({environment})");
        return problems.Count == 0 ? 0 : 1;
    }

    /// <summary>
    /// The options classes the host binds from configuration (<c>AddOptions&lt;T&gt;().Bind(…)</c> leaves a configuration
    /// change-token source for each), with the section each names in its <c>Section</c> constant.
    /// </summary>
    static IEnumerable<(string Section, Type Type)> BoundOptions(IServiceCollection services) => services
        .Where(d => d.ServiceType.IsGenericType && d.ServiceType.GetGenericTypeDefinition() == typeof(IOptionsChangeTokenSource<>) &&
                    d.ImplementationInstance?.GetType() is { IsGenericType: true } source &&
                    source.GetGenericTypeDefinition() == typeof(ConfigurationChangeTokenSource<>))
        .Select(d => d.ServiceType.GetGenericArguments()[0])
        .Distinct()
        .Select(t => (Section: t.GetField("Section", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() as string, Type: t))
        .Where(o => o.Section is not null)
        .Select(o => (o.Section!, o.Type));

    /// <summary>
    /// Unknown keys: any inside an owned section, whatever its source; a top-level key of an appsettings file that nobody
    /// reads; and a section from elsewhere (environment, command line) that is one slip away from an owned one
    /// (<c>Mqt__TcpPort</c>). Other top-level names are left alone: the environment is full of PATH, HOME and the like.
    /// </summary>
    static SortedDictionary<string, string>.ValueCollection UnknownKeys(IConfigurationRoot configuration, ConfigurationKeys keys)
    {
        var owned = keys.OwnedSections.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var topLevel = keys.TopLevel.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var reported = new SortedDictionary<string, string>(StringComparer.OrdinalIgnoreCase);

        foreach (var (key, _) in configuration.AsEnumerable())
        {
            var section = key.Split(':')[0];
            if (key.Contains(':') && owned.Contains(section) && keys.Check(key) is { } unknown && !IsReported(reported, unknown.Unknown))
            {
                reported[unknown.Unknown] = Unknown(unknown.Unknown, "key", unknown.Suggestion, Source(configuration, key));
            }
        }

        foreach (var provider in configuration.Providers)
        {
            var fromFile = provider is JsonConfigurationProvider;
            foreach (var section in provider.GetChildKeys([], null).Distinct(StringComparer.OrdinalIgnoreCase))
            {
                if (topLevel.Contains(section) || IsReported(reported, section))
                {
                    continue;
                }

                var suggestion = ConfigurationKeys.Closest(section, topLevel);
                var nested = provider.GetChildKeys([], section).Any();
                var slip = nested && suggestion is not null && owned.Contains(suggestion) && ConfigurationKeys.Closest(section, [suggestion]) is not null;
                if (fromFile || slip)
                {
                    reported[section] = Unknown(section, nested ? "section" : "key", suggestion, Describe(provider));
                }
            }
        }

        return reported.Values;
    }

    static bool IsReported(IDictionary<string, string> reported, string key) =>
        reported.Keys.Any(k => key.Equals(k, StringComparison.OrdinalIgnoreCase) || key.StartsWith(k + ":", StringComparison.OrdinalIgnoreCase));

    static string Unknown(string key, string what, string? suggestion, string? source) =>
        $"{key}: unknown {what}{(suggestion is null ? "" : $" (did you mean {suggestion}?)")}{(source is null ? "" : $" [{source}]")}";

    /// <summary>Where a key's value comes from: the last provider that has it.</summary>
    static string? Source(IConfigurationRoot configuration, string key) =>
        configuration.Providers.Reverse().FirstOrDefault(p => p.TryGet(key, out _)) is { } provider ? Describe(provider) : null;

    static string? Describe(IConfigurationProvider provider) => provider switch
    {
        JsonConfigurationProvider json => json.Source.Path,
        EnvironmentVariablesConfigurationProvider => "environment",
        CommandLineConfigurationProvider => "command line",
        _ => null,
    };

    /// <summary>
    /// The host's validation of one options class, as it runs at start-up (binding, DataAnnotations, custom validators):
    /// each failure as <c>Key: invalid value 'v': why</c>, the value left out for secrets.
    /// </summary>
    static IEnumerable<string> InvalidValues(IServiceProvider services, string section, Type type, IConfiguration configuration, ConfigurationKeys keys)
    {
        var optionsType = typeof(IOptions<>).MakeGenericType(type);
        try
        {
            _ = optionsType.GetProperty(nameof(IOptions<object>.Value))!.GetValue(services.GetRequiredService(optionsType));
            return [];
        }
        catch (TargetInvocationException e) when (e.InnerException is OptionsValidationException invalid)
        {
            return invalid.Failures.Select(failure => Invalid(failure, section, configuration, keys));
        }
        catch (TargetInvocationException e) when (e.InnerException is InvalidOperationException binding && BindingFailure().Match(binding.Message) is { Success: true } match)
        {
            var key = match.Groups["key"].Value;
            return [$"{key}: {Value(key, configuration)}not {Expected(match.Groups["type"].Value)}"];
        }
    }

    static string Invalid(string failure, string section, IConfiguration configuration, ConfigurationKeys keys)
    {
        if (DataAnnotationFailure().Match(failure) is { Success: true } annotation)
        {
            var key = $"{section}:{annotation.Groups["members"].Value.Split(',')[0].Trim()}";
            return $"{key}: {Value(key, configuration)}{annotation.Groups["error"].Value}";
        }

        // A custom validator names its key in the message ("JWT_SECRET (Jwt:Secret) is 9 bytes: …"): the first one named.
        var named = keys.Leaves(section)
            .Select(k => (Key: k, At: failure.IndexOf(k, StringComparison.OrdinalIgnoreCase)))
            .Where(k => k.At >= 0)
            .OrderBy(k => k.At).ThenByDescending(k => k.Key.Length)
            .Select(k => k.Key)
            .FirstOrDefault();
        return named is null ? $"{section}: invalid: {failure}" : $"{named}: {Value(named, configuration)}{failure}";
    }

    /// <summary><c>invalid value 'v': </c>, or <c>invalid: </c> for an unset key or a secret (never printed).</summary>
    static string Value(string key, IConfiguration configuration)
    {
        var name = key.Split(':')[^1];
        var secret = name.Contains("Secret", StringComparison.OrdinalIgnoreCase) || name.Contains("Password", StringComparison.OrdinalIgnoreCase) ||
                     name.Contains("ConnectionString", StringComparison.OrdinalIgnoreCase);
        return configuration[key] is { } value && !secret ? $"invalid value '{value}': " : "invalid: ";
    }

    static string Expected(string type) => type switch
    {
        "System.Int32" or "System.Int64" or "System.Int16" or "System.UInt32" or "System.UInt64" => "a whole number",
        "System.Double" or "System.Single" or "System.Decimal" => "a number",
        "System.Boolean" => "true or false",
        "System.TimeSpan" => "a time span (hh:mm:ss)",
        _ => $"a {type}",
    };

    [GeneratedRegex("^DataAnnotation validation failed for '[^']*' members: '(?<members>[^']*)' with the error: '(?<error>.*)'\\.$", RegexOptions.Singleline)]
    private static partial Regex DataAnnotationFailure();

    [GeneratedRegex("at '(?<key>[^']+)' to type '(?<type>[^']+)'")]
    private static partial Regex BindingFailure();
}
