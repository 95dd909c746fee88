using CreatiWall.Broker.Identity;
using CreatiWall.Broker.Mqtt;
using CreatiWall.Broker.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CreatiWall.Broker.Revocations;

/// <summary>What <see cref="RevocationEnforcer.RevokeAsync"/> did: the revocation, and how many live connections of this node it ended.</summary>
public sealed record RevokeOutcome(Revocation Revocation, int ConnectionsEnded);

/// <summary>
/// Puts revocations into force: a new one is stored, refuses the token from then on, and ends the live connections that
/// use it at once (MQTT 5: DISCONNECT 0x87). Every <c>Jwt:RevocationRefreshSeconds</c> it reads the store again, so a
/// revocation made on another node of a cluster ends this node's connections too, within that time.
/// </summary>
public sealed partial class RevocationEnforcer : BackgroundService
{
    readonly TokenRevocations _revocations;
    readonly ConnectionRegistry _registry;
    readonly MqttEventAdapter _adapter;
    readonly JwtOptions _jwt;
    readonly TimeProvider _time;
    readonly ILogger<RevocationEnforcer> _logger;

    internal RevocationEnforcer(TokenRevocations revocations, ConnectionRegistry registry, MqttEventAdapter adapter, IOptions<JwtOptions> jwt,
        TimeProvider time, ILogger<RevocationEnforcer> logger) =>
        (_revocations, _registry, _adapter, _jwt, _time, _logger) = (revocations, registry, adapter, jwt.Value, time, logger);

    /// <summary>
    /// Revokes the token <paramref name="tokenId"/>, or every token of <paramref name="subject"/> issued before
    /// <paramref name="before"/> (default: now), in <paramref name="tenant"/>; kept for <c>Jwt:RevocationDays</c>.
    /// </summary>
    public async Task<RevokeOutcome> RevokeAsync(string tenant, string? tokenId, string? subject, DateTimeOffset? before)
    {
        var now = _time.GetUtcNow();
        var revocation = new Revocation(tenant, tokenId, subject, subject is null ? null : before ?? now, now, now.AddDays(_jwt.RevocationDays));
        await _revocations.AddAsync(revocation);
        var ended = await EndAsync([revocation]);
        LogRevoked(tenant, tokenId, subject, revocation.Before, ended);
        return new RevokeOutcome(revocation, ended);
    }

    /// <summary>The revocations are in force before the listeners open (hosted services start before the server).</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await RefreshAsync();
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(_jwt.RevocationRefreshSeconds), _time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await RefreshAsync();
        }
    }

    async Task RefreshAsync()
    {
        try
        {
            var learnt = await _revocations.RefreshAsync();
            if (learnt.Count > 0)
            {
                await EndAsync(learnt);
            }
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            LogRefreshFailed(error.GetBaseException().Message); // the list in force stays as it was
        }
    }

    async Task<int> EndAsync(IReadOnlyList<Revocation> revocations)
    {
        var ended = 0;
        foreach (var connection in _registry.Live.Where(c => revocations.Any(r => TokenRevocations.Names(r, c.Principal))).ToList())
        {
            if (await _adapter.EndAsync(connection, EndReason.TokenRevoked))
            {
                ended++;
            }
        }

        return ended;
    }

    [LoggerMessage(LogLevel.Warning, "Token revoked in tenant {Tenant}: jti={TokenId} sub={Subject} before={Before}; {Ended} live connections ended")]
    partial void LogRevoked(string tenant, string? tokenId, string? subject, DateTimeOffset? before, int ended);

    [LoggerMessage(LogLevel.Warning, "Revocations could not be read from the store ({Reason}); those in force stay")]
    partial void LogRefreshFailed(string reason);
}
