namespace CreatiWall.Broker.Storage;

/// <summary>
/// A revoked token (<paramref name="TokenId"/>: its <c>jti</c>) or every token of <paramref name="Subject"/> issued
/// before <paramref name="Before"/>, in <paramref name="Tenant"/>; kept until <paramref name="ExpiresAt"/>, by when the
/// tokens it names have expired.
/// </summary>
public sealed record Revocation(string Tenant, string? TokenId, string? Subject, DateTimeOffset? Before, DateTimeOffset At, DateTimeOffset ExpiresAt);

/// <summary>Revoked tokens, kept across restarts (and shared by a cluster's nodes).</summary>
internal interface IRevocationStore
{
    /// <summary>Completes once the revocation is durable.</summary>
    Task AddRevocationAsync(Revocation revocation);

    /// <summary>The revocations not yet expired at <paramref name="now"/> (expired ones may be deleted meanwhile).</summary>
    Task<IReadOnlyList<Revocation>> ListRevocationsAsync(DateTimeOffset now);
}
