using CreatiWall.Broker.Access;
using CreatiWall.Broker.Identity;
using CreatiWall.Broker.Mqtt.Limits;
using MQTTnet.Protocol;

namespace CreatiWall.Broker.Mqtt.Rules;

/// <summary>
/// What the broker knows of a CONNECT when it decides on it. <paramref name="ClientId"/> is the one the client sent, or the
/// one the broker assigned to an empty one; <paramref name="WillTopic"/> is null without a will.
/// </summary>
internal sealed record ConnectRequest(TokenValidation Token, string? Username, string? ClientId, string? WillTopic);

/// <summary>Accept (with who connects and the session's client id) or refuse (with the reason code and why).</summary>
internal abstract record ConnectDecision
{
    public sealed record Accept(Principal Principal, string ClientId) : ConnectDecision;

    /// <summary>
    /// <paramref name="Metric"/> names the reason in <c>cw_mqtt_connects_refused_total</c>; <paramref name="IsLimit"/>: a limit
    /// a client can run into again and again, also counted in <c>cw_mqtt_limits_hit_total</c> and logged throttled.
    /// </summary>
    public sealed record Refuse(MqttConnectReasonCode Code, string Reason, string Metric, Principal? Principal = null, bool IsLimit = false) : ConnectDecision;
}

/// <summary>The contract's CONNECT rules: the token, the device the username acts as, the will, the client id.</summary>
internal static class ConnectRules
{
    public static ConnectDecision Decide(ConnectRequest request)
    {
        if (request.Token.Principal is not { } principal)
        {
            return new ConnectDecision.Refuse(MqttConnectReasonCode.BadUserNameOrPassword, request.Token.Describe(),
                "token-" + request.Token.Problem.ToString().ToLowerInvariant());
        }

        var username = request.Username;
        if (!string.IsNullOrEmpty(username) && username != principal.Subject)
        {
            if (!Ids.IsValid(username))
            {
                return new ConnectDecision.Refuse(MqttConnectReasonCode.BadUserNameOrPassword, "the username is not a valid device id", "invalid-username", principal);
            }

            if (!principal.MayActAsDevice(username))
            {
                return new ConnectDecision.Refuse(MqttConnectReasonCode.NotAuthorized, $"may not act as device '{username}'", "device-not-allowed", principal);
            }

            principal = principal with { ActingDevice = username };
        }

        if (request.WillTopic is { } will && !AccessPolicy.IsAllowed(principal, AccessAction.Will, will))
        {
            return new ConnectDecision.Refuse(MqttConnectReasonCode.NotAuthorized, $"may not set a will on '{will}'", "will-not-allowed", principal);
        }

        if (string.IsNullOrEmpty(request.ClientId))
        {
            // MQTT 3.1.1 allows an empty client id only with a clean session (and the broker assigns one then).
            return new ConnectDecision.Refuse(MqttConnectReasonCode.ClientIdentifierNotValid, "an empty client id needs a clean session", "empty-client-id", principal);
        }

        return new ConnectDecision.Accept(principal, ClientIds.Scope(principal.Tenant, request.ClientId));
    }

    /// <summary>Why a claim on the session's client id refuses the CONNECT, or null when it was claimed.</summary>
    public static ConnectDecision.Refuse? Refusal(ClaimResult claim, SessionQuota quota, Principal principal) => claim switch
    {
        ClaimResult.HeldByAnother => new(MqttConnectReasonCode.NotAuthorized, "the client id belongs to another principal's session", "client-id-taken", principal),
        ClaimResult.PrincipalQuotaExceeded => new(MqttConnectReasonCode.QuotaExceeded, $"this principal holds {quota.PerPrincipal} sessions already", "sessions-per-principal", principal),
        ClaimResult.TenantQuotaExceeded => new(MqttConnectReasonCode.QuotaExceeded, $"the tenant holds {quota.PerTenant} sessions already", "sessions-per-tenant", principal),
        _ => null,
    };

    /// <summary>Why a CONNECT from its remote address is refused before its token is read, or null.</summary>
    public static ConnectDecision.Refuse? Refusal(AddressVerdict verdict, string address, MqttOptions limits) => verdict switch
    {
        AddressVerdict.Banned => new(MqttConnectReasonCode.Banned,
            $"too many failed authentications from {address}: banned for up to {limits.AuthBanSeconds} s", "banned", IsLimit: true),
        AddressVerdict.RateExceeded => new(MqttConnectReasonCode.ConnectionRateExceeded,
            $"more than {limits.ConnectsPerAddressPerSecond} CONNECTs per second from {address}", "connect-rate", IsLimit: true),
        _ => null,
    };

    /// <summary>The tenant holds <c>Mqtt:MaxConnectionsPerTenant</c> live connections on this node.</summary>
    public static ConnectDecision.Refuse TenantFull(int limit, Principal principal) =>
        new(MqttConnectReasonCode.QuotaExceeded, $"the tenant has {limit} live connections already", "connections-per-tenant", principal, IsLimit: true);
}
