namespace CreatiWall.Broker.Storage;

/// <summary>
/// The envelopes of history channels (broadcast, users, content, custom channels) kept for catch-up, within a count
/// bound per tenant (<c>Storage:HistoryMaxMessages</c>) and an age bound (<c>Storage:HistoryMaxAgeHours</c>).
/// </summary>
internal interface IHistoryStore
{
    /// <summary>
    /// Keeps an envelope (replacing one of the same tenant and <paramref name="seq"/>); what falls beyond the bounds is
    /// dropped by the store, not by readers. Completes once durable.
    /// </summary>
    Task AppendHistoryAsync(string tenant, string topic, long seq, DateTimeOffset at, byte[] envelope);

    /// <summary>
    /// At most <paramref name="limit"/> kept envelopes of <paramref name="topic"/> with a <c>seq</c> greater than
    /// <paramref name="since"/>, oldest first. Changes nothing. Envelopes beyond the bounds at the time of the read are
    /// never returned (also those not dropped yet), and count as dropped for <see cref="HistoryPage.Truncated"/>.
    /// </summary>
    Task<HistoryPage> ReadHistoryAsync(string tenant, string topic, long since, int limit);
}

/// <summary>
/// <see cref="Truncated"/>: messages after <c>since</c> were already dropped (count or age bound), so the caller must
/// refetch state instead of replaying. <see cref="OldestKept"/>: the lowest <c>seq</c> that may still be kept.
/// </summary>
public sealed record HistoryPage(bool Truncated, long OldestKept, IReadOnlyList<byte[]> Envelopes);
