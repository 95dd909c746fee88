using CreatiWall.Broker.Identity;
using Microsoft.Extensions.Options;

namespace CreatiWall.Api.Cli;

/// <summary><c>token --tenant T --sub S --role R [--devices a,b] [--ttl SECONDS]</c>: prints a dev token.</summary>
public static class TokenCommand
{
    const string Usage = "usage: dotnet run --project Api -- token --tenant T --sub S [--role admin|user|device|ops] [--devices a,b] [--ttl SECONDS]";

    /// <summary>Prints a token signed with the host's configured secret (appsettings, environment, JWT_SECRET).</summary>
    public static int Run(IConfiguration configuration, string[] args)
    {
        if (!TryParse(args, out var request, out var error))
        {
            return Command.UsageError(error, Usage);
        }

        var jwt = configuration.GetSection(JwtOptions.Section).Get<JwtOptions>() ?? new JwtOptions();
        if (new JwtOptionsValidator().Validate(null, jwt) is { Failed: true } invalid)
        {
            Console.Error.WriteLine($"error: {invalid.FailureMessage}");
            return 2;
        }

        if (string.IsNullOrEmpty(jwt.Secret))
        {
            Console.Error.WriteLine("error: the token command signs with JWT_SECRET (Jwt:Secret), which is not set");
            return 2;
        }

        var issuer = new TokenIssuer(Options.Create(jwt));
        Console.WriteLine(issuer.Issue(request.Tenant, request.Subject, request.Role, request.Devices, request.Lifetime));
        return 0;
    }

    sealed record Request(string Tenant, string Subject, Role Role, string[] Devices, TimeSpan Lifetime);

    static bool TryParse(string[] args, out Request request, out string error)
    {
        request = null!;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] is not ("--tenant" or "--sub" or "--role" or "--devices" or "--ttl") || i + 1 >= args.Length)
            {
                error = $"unexpected argument '{args[i]}'";
                return false;
            }

            values[args[i][2..]] = args[++i];
        }

        var tenant = values.GetValueOrDefault("tenant");
        var subject = values.GetValueOrDefault("sub");
        var devices = values.GetValueOrDefault("devices")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        error = "";
        if (!Roles.TryParse(values.GetValueOrDefault("role"), out var role))
        {
            error = "--role must be admin, user, device or ops";
        }
        else if (!Ids.IsValid(tenant) && !(role == Role.Ops && tenant == Principal.AllTenants))
        {
            error = $"--tenant must match {Ids.Pattern}";
        }
        else if (!Ids.IsValid(subject))
        {
            error = $"--sub must match {Ids.Pattern}";
        }
        else if (devices.FirstOrDefault(d => !Ids.IsValid(d)) is { } badDevice)
        {
            error = $"--devices: '{badDevice}' does not match {Ids.Pattern}";
        }
        else if (!int.TryParse(values.GetValueOrDefault("ttl", "3600"), out var ttl) || ttl <= 0)
        {
            error = "--ttl must be a positive number of seconds";
        }
        else
        {
            request = new Request(tenant!, subject, role, devices, TimeSpan.FromSeconds(ttl));
        }

        return error.Length == 0;
    }
}
