namespace CreatiWall.Broker.Storage.Sqlite;

/// <summary>The <c>layout_deliveries</c> table, one row per device of a layout update.</summary>
internal sealed class SqliteLayoutDeliveries(SqliteDatabase database, TimeProvider time) : ILayoutDeliveryStore
{
    public Task AddLayoutDeliveriesAsync(string tenant, string messageId, string layoutId, IReadOnlyList<(string DeviceId, long Seq)> devices) =>
        database.Writes.RunAsync(db =>
        {
            // One statement, its parameters changed per row (10,000 rows for a layout update to a whole fleet).
            var command = db.Command("""
                INSERT INTO layout_deliveries (tenant, message_id, device_id, layout_id, seq, state, error, updated)
                VALUES ($t, $m, $d, $layout, $seq, 0, NULL, $now)
                """, ("$t", tenant), ("$m", messageId), ("$layout", layoutId), ("$now", time.GetUtcNow().ToString("O")), ("$d", ""), ("$seq", 0L));
            foreach (var (deviceId, seq) in devices)
            {
                command.Parameters["$d"].Value = deviceId;
                command.Parameters["$seq"].Value = seq;
                command.ExecuteNonQuery();
            }

            return 0;
        });

    public Task AdvanceLayoutDeliveryAsync(string tenant, string messageId, string deviceId, LayoutState state, string? error = null) => database.Writes.RunAsync(db =>
    {
        // Forward only: applied and failed may replace each other (a retried apply), nothing goes back to pending.
        db.Execute("""
            UPDATE layout_deliveries SET state = $state, error = $error, updated = $now
            WHERE tenant = $t AND message_id = $m AND device_id = $d AND (state < $state OR (state >= 2 AND $state >= 2))
            """,
            ("$t", tenant), ("$m", messageId), ("$d", deviceId), ("$state", (int)state), ("$error", error), ("$now", time.GetUtcNow().ToString("O")));
        return 0;
    });

    public Task<IReadOnlyList<LayoutDelivery>> GetLayoutDeliveriesAsync(string tenant, string messageId) => database.ReadAsync<IReadOnlyList<LayoutDelivery>>(db =>
    {
        using var reader = db.Command("""
            SELECT device_id, layout_id, seq, state, error, updated FROM layout_deliveries
            WHERE tenant = $t AND message_id = $m ORDER BY device_id
            """, ("$t", tenant), ("$m", messageId)).ExecuteReader();
        var deliveries = new List<LayoutDelivery>();
        while (reader.Read())
        {
            deliveries.Add(new LayoutDelivery(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), (LayoutState)reader.GetInt32(3),
                SqliteSession.Text(reader, 4), DateTimeOffset.Parse(reader.GetString(5))));
        }

        return deliveries;
    });
}
