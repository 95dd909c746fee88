using CreatiWall.Broker.Identity;
using CreatiWall.Broker.Mqtt;
using CreatiWall.Broker.Mqtt.Rules;
using MQTTnet.Protocol;

namespace CreatiWall.Tests.Rules;

/// <summary>The CONNECT rules as a truth table: no sockets, no server.</summary>
public sealed class ConnectRulesTests
{
    static readonly DateTimeOffset Later = DateTimeOffset.UtcNow.AddHours(1);

    static TokenValidation Token(string sub, Role role, params string[] devices) =>
        TokenValidation.Valid(new Principal("t1", sub, role, devices.ToHashSet(), Later, role == Role.Device ? sub : null));

    public static TheoryData<string, TokenValidation, string?, string?, string?, MqttConnectReasonCode?> Cases() => new()
    {
        { "bad token", TokenValidation.Refused(TokenProblem.Expired), "", "c1", null, MqttConnectReasonCode.BadUserNameOrPassword },
        { "user as herself", Token("alice", Role.User), "", "c1", null, null },
        { "user as her device", Token("alice", Role.User, "d1"), "d1", "c1", null, null },
        { "user as another's device", Token("alice", Role.User, "d1"), "d2", "c1", null, MqttConnectReasonCode.NotAuthorized },
        { "username not an id", Token("root", Role.Admin), "cw/#", "c1", null, MqttConnectReasonCode.BadUserNameOrPassword },
        { "admin as any device", Token("root", Role.Admin), "screen-9", "c1", null, null },
        { "ops as a device", Token("watcher", Role.Ops), "screen-1", "c1", null, MqttConnectReasonCode.NotAuthorized },
        { "device will on own status", Token("screen-1", Role.Device), "screen-1", "c1", "cw/t1/devices/screen-1/status", null },
        { "device will on another's status", Token("screen-1", Role.Device), "screen-1", "c1", "cw/t1/devices/screen-2/status", MqttConnectReasonCode.NotAuthorized },
        { "will in another tenant", Token("alice", Role.User), "", "c1", "cw/t2/broadcast", MqttConnectReasonCode.NotAuthorized },
        { "empty client id", Token("alice", Role.User), "", "", null, MqttConnectReasonCode.ClientIdentifierNotValid },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Decide(string @case, TokenValidation token, string? username, string? clientId, string? will, MqttConnectReasonCode? refusal)
    {
        var decision = ConnectRules.Decide(new ConnectRequest(token, username, clientId, will));

        Assert.True(refusal is null ? decision is ConnectDecision.Accept : decision is ConnectDecision.Refuse { } r && r.Code == refusal, $"{@case}: {decision}");
    }

    [Fact]
    public void An_accepted_connect_acts_as_the_device_and_its_client_id_is_scoped_by_tenant()
    {
        var accepted = Assert.IsType<ConnectDecision.Accept>(ConnectRules.Decide(new ConnectRequest(Token("alice", Role.User, "d1"), "d1", "kiosk", null)));

        Assert.Equal(("d1", "t1/kiosk"), (accepted.Principal.ActingDevice, accepted.ClientId));
    }

    [Fact]
    public void A_refusal_names_its_reason_for_the_log_and_the_metric()
    {
        var refused = Assert.IsType<ConnectDecision.Refuse>(ConnectRules.Decide(new ConnectRequest(TokenValidation.Refused(TokenProblem.Expired), null, "c1", null)));

        Assert.Equal(("the token has expired", "token-expired"), (refused.Reason, refused.Metric));
    }

    [Theory]
    [InlineData(nameof(ClaimResult.Claimed), null)]
    [InlineData(nameof(ClaimResult.HeldByAnother), MqttConnectReasonCode.NotAuthorized)]
    [InlineData(nameof(ClaimResult.PrincipalQuotaExceeded), MqttConnectReasonCode.QuotaExceeded)]
    [InlineData(nameof(ClaimResult.TenantQuotaExceeded), MqttConnectReasonCode.QuotaExceeded)]
    public void A_claim_on_the_client_id_accepts_or_refuses(string claim, MqttConnectReasonCode? code)
    {
        var principal = Token("alice", Role.User).Principal!;
        Assert.Equal(code, ConnectRules.Refusal(Enum.Parse<ClaimResult>(claim), new SessionQuota(3, 5), principal)?.Code);
    }
}
