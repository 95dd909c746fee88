using System.Globalization;
using CreatiWall.Api.Auth;
using CreatiWall.Broker.Identity;
using Microsoft.Extensions.Options;

namespace CreatiWall.Api.Cli;

/// <summary>
/// <c>checktoken JWT</c>: whether the host, as configured, accepts the token (exit 0) or why not (exit 1), and what the
/// token may read and write. The host's own <see cref="TokenValidator"/> decides, with the host's <see cref="JwtOptions"/>;
/// the token itself is never printed.
/// </summary>
public static class CheckTokenCommand
{
    const string Usage = "usage: dotnet run --project Api -- checktoken JWT   (JWT '-': read it from standard input)";

    public static async Task<int> RunAsync(WebApplicationBuilder builder, string[] args)
    {
        if (args.Length != 1)
        {
            return Command.UsageError(args.Length == 0 ? "checktoken needs the token" : "checktoken takes one token", Usage);
        }

        var token = (args[0] == "-" ? await Console.In.ReadToEndAsync() : args[0]).Trim();
        if (token.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            token = token["Bearer ".Length..].Trim();
        }

        // The host's services, not the host: a mistake elsewhere in the configuration must not hide the token's verdict.
        await using var services = builder.Services.BuildServiceProvider();
        var time = services.GetRequiredService<TimeProvider>();
        TokenValidator validator;
        JwtOptions jwt;
        try
        {
            jwt = services.GetRequiredService<IOptions<JwtOptions>>().Value;
            validator = services.GetRequiredService<TokenValidator>();
        }
        catch (OptionsValidationException invalid)
        {
            Console.WriteLine($"refused: the host would not start: {string.Join(" ", invalid.Failures)}");
            return 1;
        }

        var result = await validator.ValidateAsync(token);
        if (result.Principal is not { } principal)
        {
            Console.WriteLine($"refused: {result.Explain()}");
            if (result.Problem == TokenProblem.InvalidId)
            {
                Console.WriteLine($"ids match {Ids.Pattern}");
            }

            Console.WriteLine($"checked with: {Settings(jwt, builder.Environment.EnvironmentName)}");
            return 1;
        }

        Print(principal, time.GetUtcNow());
        return 0;
    }

    static void Print(Principal principal, DateTimeOffset now)
    {
        var left = principal.ExpiresAt - now;
        Console.WriteLine("accepted");
        Console.WriteLine($"tenant   {principal.Tenant}{(principal.IsAllTenantsOps ? " (all tenants)" : "")}");
        Console.WriteLine($"sub      {principal.Subject}");
        Console.WriteLine($"role     {principal.Role.ToClaim()}");
        Console.WriteLine($"devices  {(principal.Devices.Count == 0 ? "(none)" : string.Join(", ", principal.Devices.Order(StringComparer.Ordinal)))}");
        Console.WriteLine($"expires  {principal.ExpiresAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)} " +
                          (left >= TimeSpan.Zero
                              ? $"(in {(long)left.TotalSeconds} s{Human(left)})"
                              : $"(expired {(long)-left.TotalSeconds} s ago, accepted within the clock skew)"));
        if (principal.ActingDevice is { } device)
        {
            Console.WriteLine($"acts as  device {device}");
        }

        PrintRights(AccessSummary.Of(principal), "");
        foreach (var (asDevice, anyDevice, rights) in AccessSummary.AsDevices(principal))
        {
            Console.WriteLine(anyDevice
                ? $"as any device of the tenant, say {asDevice} (MQTT username {asDevice}), also:"
                : $"as device {asDevice} (MQTT username {asDevice}), also:");
            PrintRights(rights, "  ");
        }
    }

    static void PrintRights(IReadOnlyList<AccessSummary.Right> rights, string indent)
    {
        foreach (var right in rights)
        {
            Console.WriteLine($"{indent}{right.Verb,-8} {right.Pattern}");
        }

        if (!rights.Any(r => r.Verb == "write"))
        {
            Console.WriteLine($"{indent}{"write",-8} (nothing)");
        }
    }

    /// <summary>What the token was checked against, without the secret.</summary>
    static string Settings(JwtOptions jwt, string environment)
    {
        var keys = new List<string>();
        if (jwt.SecretBytes.Length > 0)
        {
            var source = Environment.GetEnvironmentVariable(JwtSetup.SecretVariable) is { Length: > 0 } ? JwtSetup.SecretVariable : "Jwt:Secret";
            keys.Add($"HS256 secret of {jwt.SecretBytes.Length} bytes ({source})");
        }

        if (jwt.Keys.Count > 0)
        {
            keys.Add($"HS256 keys {string.Join(", ", jwt.Keys.Select(k => $"'{k.Kid}'"))} (Jwt:Keys; '{jwt.Keys[0].Kid}' signs)");
        }

        if (!string.IsNullOrEmpty(jwt.Authority))
        {
            keys.Add($"the keys of {jwt.Authority}");
        }

        return $"environment {environment}; {string.Join(" and ", keys)}; " +
               $"issuer {(string.IsNullOrEmpty(jwt.Issuer) ? "not checked" : $"'{jwt.Issuer}'")}; " +
               $"audience {(string.IsNullOrEmpty(jwt.Audience) ? "not checked" : $"'{jwt.Audience}'")}; clock skew {jwt.ClockSkewSeconds} s";
    }

    /// <summary>A long span in days, hours and minutes as well: <c>, 8 h 0 min</c>.</summary>
    static string Human(TimeSpan span) => span.TotalSeconds switch
    {
        < 120 => "",
        < 3600 => $", {span.Minutes} min {span.Seconds} s",
        < 86400 => $", {span.Hours} h {span.Minutes} min",
        _ => $", {(int)span.TotalDays} d {span.Hours} h",
    };
}
