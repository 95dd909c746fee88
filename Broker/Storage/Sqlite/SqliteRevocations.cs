namespace CreatiWall.Broker.Storage.Sqlite;

/// <summary>The <c>revocations</c> table; expired rows are deleted when the list is read.</summary>
internal sealed class SqliteRevocations(SqliteDatabase database) : IRevocationStore
{
    public Task AddRevocationAsync(Revocation r) => database.Writes.RunAsync(db =>
    {
        db.Execute("""
            INSERT INTO revocations (tenant, jti, sub, before, at, expires) VALUES ($t, $jti, $sub, $before, $at, $expires)
            """,
            ("$t", r.Tenant), ("$jti", r.TokenId), ("$sub", r.Subject), ("$before", r.Before?.ToUnixTimeMilliseconds()),
            ("$at", r.At.ToUnixTimeMilliseconds()), ("$expires", r.ExpiresAt.ToUnixTimeMilliseconds()));
        return 0;
    });

    public async Task<IReadOnlyList<Revocation>> ListRevocationsAsync(DateTimeOffset now)
    {
        var cutoff = now.ToUnixTimeMilliseconds();
        await database.Writes.RunAsync(db =>
        {
            db.Execute("DELETE FROM revocations WHERE expires <= $now", ("$now", cutoff));
            return 0;
        });
        return await database.ReadAsync<IReadOnlyList<Revocation>>(db =>
        {
            using var reader = db.Command("SELECT tenant, jti, sub, before, at, expires FROM revocations WHERE expires > $now",
                ("$now", cutoff)).ExecuteReader();
            var list = new List<Revocation>();
            while (reader.Read())
            {
                list.Add(new Revocation(reader.GetString(0), SqliteSession.Text(reader, 1), SqliteSession.Text(reader, 2),
                    reader.IsDBNull(3) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5))));
            }

            return list;
        });
    }
}
