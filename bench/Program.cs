using CreatiWall.Bench;

// dotnet run -c Release --project bench -- <scenario> [options]
return args switch
{
    ["retained", .. var rest] => await RetainedScenario.RunAsync(Options.Parse(rest)),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage: dotnet run -c Release --project bench -- <scenario> [--count N] [--inflight N] [--out FILE]
        scenarios:
          retained   publish N retained messages (default 20000) through the real host, kill -9 it, restart it
                     on the same database, and time the publish rate, the restart and a subscriber reading them all
        """);
    return 2;
}
