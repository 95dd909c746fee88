namespace CreatiWall.Api.Cli;

/// <summary>
/// The operator's commands beside the server (<c>token</c>, <c>checktoken</c>, <c>checkconfig</c>), found after any host
/// options (<c>dotnet run</c> puts <c>--environment …</c> first). Each runs on the host's own composition (Program.cs),
/// so it reads the same configuration and applies the same rules as the server.
/// </summary>
public sealed record Command(string Name, string[] HostArgs, string[] Args)
{
    public const string Usage = """
        usage: dotnet run --project Api -- COMMAND
          token --tenant T --sub S [--role admin|user|device|ops] [--devices a,b] [--ttl SECONDS]
                               print a development token signed with the configured secret
          checktoken JWT       whether this configuration accepts the token (exit 0, else 1) and what it may read and write;
                               JWT '-' reads it from standard input
          checkconfig          unknown or invalid configuration keys (exit 0 when there are none, else 1)
        """;

    /// <summary>The command word after the host options (<c>--key value</c>, <c>--key=value</c>, <c>key=value</c>); null: serve.</summary>
    public static Command? Find(string[] args)
    {
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg.StartsWith('-'))
            {
                i += arg.Contains('=') ? 0 : 1; // its value follows unless given with '='
                continue;
            }

            if (!arg.Contains('='))
            {
                return new Command(arg, args[..i], args[(i + 1)..]);
            }
        }

        return null;
    }

    /// <summary>Runs the command on the host's builder (configured, not built); returns the exit code (2: usage error).</summary>
    public async Task<int> RunAsync(WebApplicationBuilder builder) => Name switch
    {
        "token" => TokenCommand.Run(builder.Configuration, Args),
        "checktoken" => await CheckTokenCommand.RunAsync(builder, Args),
        "checkconfig" => await CheckConfigCommand.RunAsync(builder, Args),
        "help" => Help(),
        _ => UsageError($"unknown command '{Name}'"),
    };

    static int Help()
    {
        Console.WriteLine(Usage);
        return 0;
    }

    /// <summary>One line saying what is wrong, the usage, exit code 2.</summary>
    public static int UsageError(string error, string usage = Usage)
    {
        Console.Error.WriteLine($"error: {error}");
        Console.Error.WriteLine(usage);
        return 2;
    }
}
