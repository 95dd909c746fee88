namespace CreatiWall.Tests.Support;

/// <summary>The real mosquitto_pub / mosquitto_sub binaries (Debian mosquitto-clients) against the test host.</summary>
public static class Mosquitto
{
    public sealed record Result(int ExitCode, string Output);

    /// <summary>Runs mosquitto_pub (QoS 1) to completion.</summary>
    public static async Task<Result> PubAsync(BrokerHost host, string version, string? username, string token, string topic, string message, params string[] extra)
    {
        await using var pub = ChildProcess.Start("mosquitto_pub",
            [.. Common(host, version, username, token), "-q", "1", "-t", topic, "-m", message, .. extra]);
        if (!await pub.WaitForExitAsync(TimeSpan.FromSeconds(15)))
        {
            throw new TimeoutException("mosquitto_pub did not finish:\n" + pub.Output);
        }

        return new Result(pub.ExitCode, pub.Output);
    }

    /// <summary>
    /// Starts mosquitto_sub printing "topic payload" lines (with -d: protocol details too); call <see cref="Subscriber.SubscribedAsync"/>
    /// before relying on its subscription.
    /// </summary>
    public static Subscriber StartSub(BrokerHost host, string version, string? username, string token, params string[] filtersAndOptions)
    {
        // stdbuf: mosquitto_sub's stdout is block-buffered when it is not a terminal.
        var args = new List<string> { "-oL", "mosquitto_sub" };
        args.AddRange([.. Common(host, version, username, token), "-d", "-q", "1", "-F", "MSG %t %p", .. filtersAndOptions]);
        return new Subscriber(ChildProcess.Start("stdbuf", args));
    }

    static string[] Common(BrokerHost host, string version, string? username, string token) =>
        ["-h", "127.0.0.1", "-p", host.MqttPort.ToString(), "-V", version, "-u", username ?? "", "-P", token];

    public sealed class Subscriber : IAsyncDisposable
    {
        readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Done)> _waiters = [];

        public Subscriber(ChildProcess process)
        {
            Process = process;
            process.Line += line =>
            {
                lock (_waiters)
                {
                    foreach (var (match, done) in _waiters)
                    {
                        if (match(line.Trim()))
                        {
                            done.TrySetResult(line.Trim());
                        }
                    }
                }
            };
        }

        public ChildProcess Process { get; }

        public string Output => Process.Output;

        /// <summary>Completes with the line that shows the SUBACK's granted codes.</summary>
        public Task<string> SubscribedAsync() => WaitForLineAsync(line => line.StartsWith("Subscribed (mid:", StringComparison.Ordinal));

        /// <summary>Waits for a printed line matching <paramref name="match"/> (printed before or after the call).</summary>
        public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan? timeout = null)
        {
            var done = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_waiters)
            {
                _waiters.Add((match, done));
                if (Output.Split('\n', StringSplitOptions.TrimEntries).FirstOrDefault(match) is { } seen)
                {
                    done.TrySetResult(seen);
                }
            }

            var limit = timeout ?? TimeSpan.FromSeconds(10);
            if (await Task.WhenAny(done.Task, Task.Delay(limit)) != done.Task)
            {
                throw new TimeoutException($"mosquitto_sub printed no such line within {limit}:\n{Output}");
            }

            return await done.Task;
        }

        public ValueTask DisposeAsync() => Process.DisposeAsync();
    }
}
