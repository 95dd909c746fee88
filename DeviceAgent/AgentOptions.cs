using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace CreatiWall.DeviceAgent;

/// <summary>The command line, checked: every mistake is one line naming the option.</summary>
public sealed partial record AgentOptions(
    IReadOnlyList<BrokerUrl> Brokers,
    TokenSource Token,
    string Device,
    string StateDir,
    int Simulate,
    string? DevSecret,
    string? Hook,
    TimeSpan KeepAlive,
    Backoff Backoff,
    int MaxAttempts,
    X509Certificate2? Ca = null)
{
    public const string Help = """
        CreatiWall DeviceAgent: keeps a screen's layout in step with the CreatiWall broker.

        usage: dotnet run --project DeviceAgent -- --broker URL[,URL...] --token JWT --device ID --state-dir DIR [options]

          --broker URL[,URL...]  broker addresses, tried in turn: mqtt://host:1883, mqtts://host:8883 (TLS),
                                 ws://host:5000/mqtt or wss://host/mqtt (TLS)
          --ca-file FILE         over TLS, trust only this CA (PEM) instead of the system's trust store
          --token JWT            the device's token (the MQTT password); or set CW_DEVICE_TOKEN
          --token-file FILE      read the token from FILE at every connection attempt (rotation without restart)
          --device ID            the device id (the MQTT username); default: the token's sub
          --state-dir DIR        where DIR/current-layout.json, the last applied layout envelope, is kept
          --hook COMMAND         run with sh -c for each new layout, notification or content sync; it gets CW_EVENT
                                 (layout_update, notification, content_sync, ...) and CW_FILE, the file holding the
                                 message (DIR/current-layout.json for a layout, else DIR/message.json); a non-zero exit,
                                 or a hook that cannot start, acknowledges the layout as failed with the reason
          --keepalive SECONDS    MQTT keepalive (default 30)
          --backoff-initial MS   first reconnect delay ceiling (default 1000); doubles per attempt ...
          --backoff-max MS       ... up to this (default 30000); each wait is random below the ceiling (full jitter)
          --max-attempts N       give up after N failed attempts in a row (default 0: never; 5: the seed's mode)
          --simulate N           run N devices ID-1 ... ID-N in this process, state in DIR/ID-k/
          --dev-secret SECRET    with --simulate: sign a device token for each (HS256, the broker's JWT_SECRET);
                                 without it, --token must be a tenant admin token
          --config FILE          read these options from FILE, a JSON object with the flags' names as keys
                                 ({"broker": "mqtt://host:1883", "token-file": "/etc/creatiwall/token", "keepalive": 30});
                                 flags given on the command line override it
          --help                 this text
        """;

    static readonly string[] Flags =
        ["broker", "token", "token-file", "device", "state-dir", "hook", "keepalive", "backoff-initial", "backoff-max", "max-attempts", "simulate", "dev-secret", "config", "ca-file"];

    public static bool TryParse(string[] args, out AgentOptions options, out string error)
    {
        options = null!;
        var values = new Dictionary<string, string>();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i].StartsWith("--", StringComparison.Ordinal) ? args[i][2..] : null;
            if (name is null || !Flags.Contains(name) || i + 1 >= args.Length)
            {
                error = name is not null && Flags.Contains(name) ? $"--{name} needs a value" : $"unknown argument '{args[i]}' (see --help)";
                return false;
            }

            values[name] = args[++i];
        }

        if (values.TryGetValue("config", out var config))
        {
            if (AgentConfigFile.Read(config, Flags, out error) is not { } fromFile)
            {
                return false;
            }

            foreach (var (name, value) in values)
            {
                fromFile[name] = value; // the command line wins
            }

            values = fromFile;
        }

        error = Check(values, out options!) ?? "";
        return error.Length == 0;
    }

    static string? Check(Dictionary<string, string> v, out AgentOptions? options)
    {
        options = null;
        var brokers = new List<BrokerUrl>();
        foreach (var text in v.GetValueOrDefault("broker", "").Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!BrokerUrl.TryParse(text, out var url, out var urlError))
            {
                return "--broker: " + urlError;
            }

            brokers.Add(url);
        }

        if (brokers.Count == 0)
        {
            return "--broker is required: mqtt://host:1883, mqtts://host:8883, ws://host:5000/mqtt or wss://host/mqtt";
        }

        TokenSource token;
        if (v.TryGetValue("token-file", out var file))
        {
            if (!File.Exists(file))
            {
                return $"--token-file: '{file}' does not exist";
            }

            token = TokenSource.FromFile(file);
        }
        else if ((v.GetValueOrDefault("token") ?? Environment.GetEnvironmentVariable("CW_DEVICE_TOKEN")) is { Length: > 0 } jwt)
        {
            token = TokenSource.Fixed(jwt);
        }
        else
        {
            return "--token (or --token-file, or CW_DEVICE_TOKEN) is required";
        }

        if (token.Claim("tenant") is null)
        {
            return "--token: not a readable JWT with a tenant claim";
        }

        var device = v.GetValueOrDefault("device") ?? token.Claim("sub");
        if (!Ids.IsValid(device))
        {
            return $"--device: {JsonSerializer.Serialize(device)} is not a device id ({Ids.Pattern})";
        }

        if (!v.TryGetValue("state-dir", out var stateDir))
        {
            return "--state-dir is required";
        }

        if (!TryNumber(v, "keepalive", 30, 1, 65535, out var keepAlive, out var e1) ||
            !TryNumber(v, "backoff-initial", 1000, 1, 3_600_000, out var initial, out e1) ||
            !TryNumber(v, "backoff-max", 30_000, 1, 3_600_000, out var max, out e1) ||
            !TryNumber(v, "max-attempts", 0, 0, int.MaxValue, out var attempts, out e1) ||
            !TryNumber(v, "simulate", 0, 0, 100_000, out var simulate, out e1))
        {
            return e1;
        }

        X509Certificate2? ca = null;
        if (v.TryGetValue("ca-file", out var caFile))
        {
            try
            {
                ca = X509Certificate2.CreateFromPem(File.ReadAllText(caFile));
            }
            catch (Exception loadError) when (loadError is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
            {
                return $"--ca-file: '{caFile}' is not a readable PEM certificate ({loadError.Message})";
            }
        }

        options = new AgentOptions(brokers, token, device, stateDir, simulate, v.GetValueOrDefault("dev-secret"), v.GetValueOrDefault("hook"),
            TimeSpan.FromSeconds(keepAlive), new Backoff(TimeSpan.FromMilliseconds(initial), TimeSpan.FromMilliseconds(Math.Max(initial, max))), attempts, ca);
        return null;
    }

    static bool TryNumber(Dictionary<string, string> v, string name, int fallback, int min, int max, out int value, out string error)
    {
        error = "";
        if (!v.TryGetValue(name, out var text))
        {
            value = fallback;
            return true;
        }

        if (int.TryParse(text, out value) && value >= min && value <= max)
        {
            return true;
        }

        error = $"--{name} must be a whole number from {min} to {max}";
        return false;
    }
}
