namespace CreatiWall.Broker.Storage.Sqlite;

/// <summary>
/// <c>seq</c> numbers handed out from a block reserved in the file beforehand: only reserving a block waits for a
/// commit (a layout update to 10,000 screens takes 10,000 numbers at once); a restart skips what was left of a block.
/// </summary>
internal sealed class SqliteSequences(SqliteWriteQueue writes) : ISequenceStore, IDisposable
{
    /// <summary>Sequence numbers reserved per database write; a restart skips at most this many.</summary>
    const int SeqBlock = 100;

    readonly Dictionary<string, (long Next, long Reserved)> _seq = new(StringComparer.Ordinal); // guarded by _gate
    readonly SemaphoreSlim _gate = new(1, 1);

    public ValueTask<long> NextSeqAsync(string tenant) => NextSeqsAsync(tenant, 1);

    public async ValueTask<long> NextSeqsAsync(string tenant, int count)
    {
        await _gate.WaitAsync();
        try
        {
            var (next, reserved) = _seq.GetValueOrDefault(tenant);
            if (next + count > reserved)
            {
                var block = Math.Max(SeqBlock, count);
                reserved = await writes.RunAsync(db => db.Scalar<long>("""
                    INSERT INTO tenants (tenant, seq_reserved) VALUES ($t, $block)
                    ON CONFLICT (tenant) DO UPDATE SET seq_reserved = seq_reserved + $block
                    RETURNING seq_reserved
                    """, ("$t", tenant), ("$block", block)));
                next = reserved - block;
            }

            _seq[tenant] = (next + count, reserved);
            return next + 1;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
