namespace CreatiWall.Broker.Storage.Redis;

/// <summary>
/// The history's Lua scripts (see <see cref="RedisHistory"/>). Each runs on the keys of one tenant, which share its hash
/// tag: the streams of other topics that a trim reaches are found through the index, in the same slot.
/// KEYS of each: [1] the seq index, [2] the time index, [3] the floor, [4] (append, read) the topic's stream.
/// </summary>
internal static class RedisHistoryScripts
{
    /// <summary>
    /// <c>beyond(cutoff, max)</c>: the highest seq beyond the bounds as of <c>cutoff</c> (Unix ms; older is beyond) and
    /// <c>max</c> (kept per tenant), as a number and as its text (0 and nil when none). <c>trim(prefix, cutoff, max)</c>
    /// drops every envelope up to it, from the streams and both indexes, and raises the floor.
    /// </summary>
    const string Functions = """
        local function seqof(m) return string.sub(m, 1, string.find(m, ' ', 1, true) - 1) end
        local function beyond(cutoff, max)
          local floor, text = 0, nil
          for _, m in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. cutoff)) do
            local s = seqof(m)
            if tonumber(s) > floor then floor, text = tonumber(s), s end
          end
          local over = redis.call('ZREVRANGE', KEYS[1], max, max)
          if #over > 0 then
            local s = seqof(over[1])
            if tonumber(s) > floor then floor, text = tonumber(s), s end
          end
          return floor, text
        end
        local function trim(prefix, cutoff, max)
          local floor, text = beyond(cutoff, max)
          if floor == 0 then return 0 end
          for _, m in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', text)) do
            local stream = prefix .. string.sub(m, string.find(m, ' ', 1, true) + 1)
            redis.call('XDEL', stream, seqof(m) .. '-0')
            if redis.call('XLEN', stream) == 0 then redis.call('DEL', stream) end
            redis.call('ZREM', KEYS[2], m)
          end
          redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', text)
          local old = redis.call('GET', KEYS[3])
          if not old or tonumber(old) < floor then redis.call('SET', KEYS[3], text) end
          return floor
        end

        """;

    /// <summary>
    /// ARGV: seq, time (Unix ms), envelope, topic, stream prefix, cutoff, max. Stream ids are <c>seq-0</c>, so a stream
    /// is in seq order: an envelope whose seq is lower than some already there (two publishes that took their seqs in one
    /// order and appended in the other) is put in its place, the later ones taken out and added back after it. Replaces
    /// the envelope of the same seq, on any topic; one at or below the floor is beyond the bounds already and not kept.
    /// </summary>
    public const string Append = Functions + """
        local seq, topic = ARGV[1], ARGV[4]
        local floor = redis.call('GET', KEYS[3])
        if floor and tonumber(seq) <= tonumber(floor) then return 0 end
        for _, m in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], seq, seq)) do
          redis.call('XDEL', ARGV[5] .. string.sub(m, string.find(m, ' ', 1, true) + 1), seq .. '-0')
          redis.call('ZREM', KEYS[2], m)
        end
        redis.call('ZREMRANGEBYSCORE', KEYS[1], seq, seq)
        local id = seq .. '-0'
        local later = redis.call('XRANGE', KEYS[4], '(' .. id, '+')
        for _, e in ipairs(later) do redis.call('XDEL', KEYS[4], e[1]) end
        local added = redis.pcall('XADD', KEYS[4], id, 'e', ARGV[3])
        if type(added) == 'table' and added.err then
          -- the stream's last id is above seq (entries above it were deleted): set it back to the top entry
          local top = redis.call('XREVRANGE', KEYS[4], '+', '-', 'COUNT', 1)
          redis.call('XSETID', KEYS[4], #top > 0 and top[1][1] or '0-0')
          redis.call('XADD', KEYS[4], id, 'e', ARGV[3])
        end
        for _, e in ipairs(later) do redis.call('XADD', KEYS[4], e[1], unpack(e[2])) end
        local member = seq .. ' ' .. topic
        redis.call('ZADD', KEYS[1], seq, member)
        redis.call('ZADD', KEYS[2], ARGV[2], member)
        trim(ARGV[5], ARGV[6], tonumber(ARGV[7]))
        return 1
        """;

    /// <summary>ARGV: stream prefix, cutoff, max. Returns the floor it trimmed to (0: nothing beyond the bounds).</summary>
    public const string Trim = Functions + """
        return trim(ARGV[1], ARGV[2], tonumber(ARGV[3]))
        """;

    /// <summary>
    /// ARGV: since (0 or more), limit, cutoff, max. Changes nothing: applies the bounds as of <c>cutoff</c> to what it
    /// returns. Returns {truncated (1/0), floor, envelope…}: at most <c>limit</c> envelopes with a seq above both since
    /// and the floor, in seq order.
    /// </summary>
    public const string Read = Functions + """
        local floor, text = beyond(ARGV[3], tonumber(ARGV[4]))
        local stored = redis.call('GET', KEYS[3])
        if stored and tonumber(stored) > floor then floor, text = tonumber(stored), stored end
        local after = ARGV[1]
        if floor > tonumber(after) then after = text end
        local result = { tonumber(ARGV[1]) < floor and 1 or 0, text or '0' }
        if tonumber(ARGV[2]) > 0 then
          for _, e in ipairs(redis.call('XRANGE', KEYS[4], '(' .. after .. '-0', '+', 'COUNT', ARGV[2])) do
            result[#result + 1] = e[2][2]
          end
        end
        return result
        """;
}
