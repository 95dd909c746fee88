namespace CreatiWall.Broker.Storage.Sqlite;

/// <summary>The <c>devices</c> table: changes through the write queue, lists and pages from a read connection.</summary>
internal sealed class SqliteDevices(SqliteDatabase database, TimeProvider time) : IDeviceStore
{
    const string Columns =
        "SELECT tenant, device_id, status, since, reason, current_layout_id, current_message_id, acked_layout_id, acked_status, name, tags, location FROM devices ";

    /// <summary>Filters every page applies in SQL (null: not filtered); the text filter is applied to the rows read.</summary>
    const string Filters = """
        AND ($status IS NULL OR status = $status) AND ($tag IS NULL OR instr(',' || tags || ',', ',' || $tag || ',') > 0)
        ORDER BY tenant, device_id LIMIT $limit
        """;

    public Task SetStatusAsync(string tenant, string deviceId, string status, DateTimeOffset since, string? reason) => database.Writes.RunAsync(db =>
    {
        db.Execute("""
            INSERT INTO devices (tenant, device_id, status, since, reason) VALUES ($t, $d, $status, $since, $reason)
            ON CONFLICT (tenant, device_id) DO UPDATE SET status = $status, since = $since, reason = $reason
            """,
            ("$t", tenant), ("$d", deviceId), ("$status", status), ("$since", since.ToString("O")), ("$reason", reason));
        return 0;
    });

    public Task SetCurrentLayoutAsync(string tenant, IReadOnlyList<string> deviceIds, string layoutId, string messageId) => database.Writes.RunAsync(db =>
    {
        var since = time.GetUtcNow().ToString("O");
        foreach (var deviceId in deviceIds)
        {
            db.Execute("""
                INSERT INTO devices (tenant, device_id, status, since, current_layout_id, current_message_id)
                VALUES ($t, $d, $offline, $since, $layout, $message)
                ON CONFLICT (tenant, device_id) DO UPDATE SET current_layout_id = $layout, current_message_id = $message
                """,
                ("$t", tenant), ("$d", deviceId), ("$offline", DeviceRecord.Offline), ("$since", since), ("$layout", layoutId), ("$message", messageId));
        }

        return 0;
    });

    /// <summary>Read and written by the writer, inside its transaction: no other change comes between.</summary>
    public ValueTask<DeviceRecord> UpdateDeviceAsync(string tenant, string deviceId, Func<DeviceRecord, DeviceRecord> change) => new(database.Writes.RunAsync(db =>
    {
        var existing = Read(db, "WHERE tenant = $t AND device_id = $d", ("$t", tenant), ("$d", deviceId)).SingleOrDefault()
            ?? new DeviceRecord(tenant, deviceId, DeviceRecord.Offline, time.GetUtcNow(), null, null, null, null, null);
        var updated = change(existing);
        db.Execute("""
            INSERT INTO devices (tenant, device_id, status, since, reason, current_layout_id, current_message_id, acked_layout_id, acked_status, name, tags, location)
            VALUES ($t, $d, $status, $since, $reason, $layout, $message, $acked, $ackStatus, $name, $tags, $location)
            ON CONFLICT (tenant, device_id) DO UPDATE SET status = $status, since = $since, reason = $reason,
                current_layout_id = $layout, current_message_id = $message, acked_layout_id = $acked, acked_status = $ackStatus,
                name = $name, tags = $tags, location = $location
            """,
            ("$t", tenant), ("$d", deviceId), ("$status", updated.Status), ("$since", updated.Since.ToString("O")), ("$reason", updated.Reason),
            ("$layout", updated.CurrentLayoutId), ("$message", updated.CurrentLayoutMessageId), ("$acked", updated.AckedLayoutId), ("$ackStatus", updated.AckedLayoutStatus),
            ("$name", updated.Name), ("$tags", updated.Tags.Count == 0 ? null : updated.Tags.ToString()), ("$location", updated.Location));
        return updated;
    }));

    public ValueTask<IReadOnlyList<DeviceRecord>> ListDevicesAsync(string? tenant) => new(database.ReadAsync<IReadOnlyList<DeviceRecord>>(db =>
        tenant is null
            ? Read(db, "ORDER BY tenant, device_id")
            : Read(db, "WHERE tenant = $t ORDER BY device_id", ("$t", tenant))));

    public ValueTask<DeviceRecord?> GetDeviceAsync(string tenant, string deviceId) => new(database.ReadAsync(db =>
        Read(db, "WHERE tenant = $t AND device_id = $d", ("$t", tenant), ("$d", deviceId)).SingleOrDefault()));

    /// <summary>
    /// Reads rows in key order from the primary key's index (status and tag filtered in SQL), in batches, until the page
    /// and one more match are found or the rows run out; the text filter, which SQLite cannot fold case for beyond ASCII,
    /// is applied here.
    /// </summary>
    public ValueTask<DevicePage> QueryDevicesAsync(DeviceQuery query) => new(database.ReadAsync(db =>
    {
        var batch = query.Text is null ? query.Limit + 1 : query.Batch;
        var found = new List<DeviceRecord>();
        var after = query.After ?? new DeviceKey(query.Tenant ?? "", "");
        while (true)
        {
            var rows = query.Tenant is null
                ? Read(db, "WHERE (tenant, device_id) > ($at, $ad) " + Filters,
                    ("$at", after.Tenant), ("$ad", after.DeviceId), ("$status", query.Status), ("$tag", query.Tag), ("$limit", batch))
                : Read(db, "WHERE tenant = $t AND device_id > $ad " + Filters,
                    ("$t", query.Tenant), ("$ad", after.Tenant == query.Tenant ? after.DeviceId : ""), ("$status", query.Status), ("$tag", query.Tag), ("$limit", batch));
            found.AddRange(rows.Where(query.Matches));
            if (found.Count > query.Limit || rows.Count < batch)
            {
                break;
            }

            after = DeviceKey.Of(rows[^1]);
        }

        return DevicePage.From(found, query.Limit);
    }));

    static List<DeviceRecord> Read(SqliteSession db, string where, params (string Name, object? Value)[] parameters)
    {
        using var reader = db.Command(Columns + where, parameters).ExecuteReader();
        var devices = new List<DeviceRecord>();
        while (reader.Read())
        {
            devices.Add(new DeviceRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2), DateTimeOffset.Parse(reader.GetString(3)),
                SqliteSession.Text(reader, 4), SqliteSession.Text(reader, 5), SqliteSession.Text(reader, 6), SqliteSession.Text(reader, 7),
                SqliteSession.Text(reader, 8))
            {
                Name = SqliteSession.Text(reader, 9),
                Tags = DeviceTags.Parse(SqliteSession.Text(reader, 10)),
                Location = SqliteSession.Text(reader, 11),
            });
        }

        return devices;
    }
}
