using BenchmarkDotNet.Attributes;
using CreatiWall.Broker.Access;
using CreatiWall.Broker.Identity;
using CreatiWall.Broker.Mqtt.Routing;
using MQTTnet.Protocol;

namespace CreatiWall.Bench.Micro;

/// <summary>The functions every connect, subscribe and publish goes through, at fleet size.</summary>
[MemoryDiagnoser]
public class HotPaths
{
    const int Fleet = 10_000;

    readonly Principal _device = new("t1", "d42", Role.Device, new HashSet<string>(), DateTimeOffset.MaxValue, "d42");
    readonly Principal _user = new("t1", "alice", Role.User, new HashSet<string> { "d1" }, DateTimeOffset.MaxValue);
    readonly SubscriptionTree<string> _tree = new();
    readonly List<KeyValuePair<string, SubscriptionOptions>> _matches = new(Fleet);
    TokenValidator _validator = null!;
    string _token = null!;

    [GlobalSetup]
    public void Setup()
    {
        var jwt = Microsoft.Extensions.Options.Options.Create(new JwtOptions { Secret = HostProcess.Secret });
        _validator = new TokenValidator(jwt);
        _token = new TokenIssuer(jwt).Issue("t1", "d42", Role.Device);
        var options = new SubscriptionOptions(MqttQualityOfServiceLevel.AtLeastOnce);
        for (var i = 0; i < Fleet; i++)
        {
            // What each screen subscribes to, as in the fleet scenarios.
            _tree.Add($"d{i}", $"cw/t1/devices/d{i}/layout", options);
            _tree.Add($"d{i}", $"cw/t1/devices/d{i}", options);
            _tree.Add($"d{i}", "cw/t1/broadcast", options);
        }

        _tree.Add("dashboard", "cw/t1/devices/+/status", options);
    }

    [Benchmark]
    public Task<TokenValidation> ValidateJwtHs256() => _validator.ValidateAsync(_token);

    [Benchmark]
    public bool AccessScreenSubscribesOwnLayout() => AccessPolicy.IsAllowed(_device, AccessAction.Subscribe, "cw/t1/devices/d42/layout");

    [Benchmark]
    public bool AccessUserSubscribesWildcard() => AccessPolicy.IsAllowed(_user, AccessAction.Subscribe, "cw/t1/devices/+/status");

    [Benchmark]
    public bool AccessUserPublishesBroadcast() => AccessPolicy.IsAllowed(_user, AccessAction.Publish, "cw/t1/broadcast");

    [Benchmark]
    public int RouteOneLayoutAmong10000()
    {
        _matches.Clear();
        return _tree.Match("cw/t1/devices/d4242/layout", _matches);
    }

    [Benchmark]
    public int RouteStatusToWildcard()
    {
        _matches.Clear();
        return _tree.Match("cw/t1/devices/d4242/status", _matches);
    }

    [Benchmark]
    public int RouteBroadcastTo10000()
    {
        _matches.Clear();
        return _tree.Match("cw/t1/broadcast", _matches);
    }
}
