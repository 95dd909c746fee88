namespace CreatiWall.Bench.Brokers;

/// <summary>
/// Our host in cluster mode: one redis-server and <c>nodes</c> Release hosts, each on its own free loopback ports with its
/// own database file, <c>Redis__ConnectionString</c> and <c>Cluster__NodeId=node-N</c>. Clients connect to the first node
/// unless a run names another (<see cref="Node"/>); a fleet's screen <c>i</c> connects to node <c>i mod nodes</c>. CPU
/// and memory are those of every node and Redis together.
/// </summary>
public sealed class ClusterBroker : BrokerUnderTest, IRestApi
{
    readonly RedisProcess _redis = new();
    readonly HostProcess[] _nodes;

    public ClusterBroker(int nodes = 3, Dictionary<string, string>? settings = null)
    {
        _nodes = [.. Enumerable.Range(1, nodes).Select(n => new HostProcess(new Dictionary<string, string>(settings ?? [])
        {
            ["Redis__ConnectionString"] = _redis.ConnectionString,
            ["Cluster__NodeId"] = $"node-{n}",
        }, $"node-{n}"))];
    }

    public override string Name => $"cluster of {_nodes.Length}";
    public override int Pid => _nodes[0].Pid;
    public override Target Tcp => Node(1);
    public override Target WebSocket => new(0, new Uri($"ws://127.0.0.1:{_nodes[0].HttpPort}/mqtt"));
    public Uri Http => new($"http://127.0.0.1:{_nodes[0].HttpPort}");

    public int NodeCount => _nodes.Length;

    /// <summary>Each node's HTTP address.</summary>
    public IEnumerable<Uri> NodeHttp => _nodes.Select(n => new Uri($"http://127.0.0.1:{n.HttpPort}"));

    public RedisProcess Redis => _redis;

    /// <summary>The MQTT TCP listener of node <paramref name="n"/> (1-based, as the node ids).</summary>
    public Target Node(int n) => new(_nodes[n - 1].MqttPort);

    public override Target DeviceTarget(int i) => Node(1 + (i % _nodes.Length));

    public override async Task StartAsync()
    {
        await _redis.StartAsync();
        await Task.WhenAll(_nodes.Select(n => n.StartAsync()));
    }

    /// <summary>Each node (<c>node-N</c>), then Redis.</summary>
    public override IReadOnlyList<(string Name, int Pid)> Processes =>
        [.. _nodes.Select((n, i) => ($"node-{i + 1}", n.Pid)), ("redis", _redis.Pid)];

    /// <summary>The nodes' resident memory (Redis's data: <see cref="RedisProcess.UsedMemoryAsync"/>).</summary>
    public override long RssBytes() => _nodes.Sum(n => RssBytesOf(n.Pid));

    public override Credentials Device(int i) => BenchTokens.Device(i);

    public override Credentials User(string name) => BenchTokens.User(name);

    public string AdminToken() => BenchTokens.Admin();

    public override async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        await _redis.DisposeAsync();
    }
}
