namespace CreatiWall.Broker.Storage;

/// <summary>The per-tenant <c>seq</c> numbers of envelopes.</summary>
internal interface ISequenceStore
{
    /// <summary>
    /// The next <c>seq</c> of <paramref name="tenant"/>: strictly greater than every number handed out before, also
    /// across restarts (numbers may be skipped, never reused).
    /// </summary>
    ValueTask<long> NextSeqAsync(string tenant);

    /// <summary>
    /// Takes <paramref name="count"/> consecutive <c>seq</c> numbers at once and returns the first; the same guarantees
    /// as <see cref="NextSeqAsync"/> for each of them.
    /// </summary>
    ValueTask<long> NextSeqsAsync(string tenant, int count);
}
