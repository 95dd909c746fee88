namespace CreatiWall.Broker.Storage.Sqlite;

/// <summary>
/// The schema, versioned with <c>PRAGMA user_version</c>: migration <c>n</c> (1-based) takes a file from version
/// <c>n - 1</c> to <c>n</c>. Migrations only ever move forward and are never edited once released: a change is a new
/// migration at the end of the list.
/// </summary>
internal static class SqliteSchema
{
    static readonly string[] Migrations =
    [
        // 1: the schema of the releases before versioning (their files say user_version 0). Idempotent, so it creates
        // a new file and adopts such a file alike.
        """
        CREATE TABLE IF NOT EXISTS tenants (tenant TEXT PRIMARY KEY, seq_reserved INTEGER NOT NULL, history_floor INTEGER NOT NULL DEFAULT 0);
        CREATE TABLE IF NOT EXISTS devices (
            tenant TEXT NOT NULL, device_id TEXT NOT NULL, status TEXT NOT NULL, since TEXT NOT NULL, reason TEXT,
            current_layout_id TEXT, current_message_id TEXT, acked_layout_id TEXT, acked_status TEXT,
            PRIMARY KEY (tenant, device_id));
        CREATE TABLE IF NOT EXISTS retained (
            topic TEXT PRIMARY KEY, payload BLOB NOT NULL, qos INTEGER NOT NULL, content_type TEXT, payload_format INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS layout_deliveries (
            tenant TEXT NOT NULL, message_id TEXT NOT NULL, device_id TEXT NOT NULL, layout_id TEXT NOT NULL, seq INTEGER NOT NULL,
            state INTEGER NOT NULL, error TEXT, updated TEXT NOT NULL,
            PRIMARY KEY (tenant, message_id, device_id));
        CREATE TABLE IF NOT EXISTS history (
            tenant TEXT NOT NULL, seq INTEGER NOT NULL, topic TEXT NOT NULL, at INTEGER NOT NULL, envelope BLOB NOT NULL,
            PRIMARY KEY (tenant, seq));
        CREATE INDEX IF NOT EXISTS history_by_topic ON history (tenant, topic, seq);
        """,

        // 2: a tenant's rows beyond the age bound (on append, on read, in the writer's periodic trim) are found
        // among its aged rows only, not by scanning all of its rows.
        "CREATE INDEX history_by_age ON history (tenant, at);",

        // 3: what admins register for a device (PUT /api/devices/{id}); tags comma-separated, in order (a tag is an id).
        """
        ALTER TABLE devices ADD COLUMN name TEXT;
        ALTER TABLE devices ADD COLUMN tags TEXT;
        ALTER TABLE devices ADD COLUMN location TEXT;
        """,

        // 4: revoked tokens (POST /api/tokens/revoke), times in Unix ms; a row goes once its tokens have expired.
        "CREATE TABLE revocations (tenant TEXT NOT NULL, jti TEXT, sub TEXT, before INTEGER, at INTEGER NOT NULL, expires INTEGER NOT NULL);",
    ];

    /// <summary>The version this code writes.</summary>
    public static int Latest => Migrations.Length;

    /// <summary>
    /// Brings the file to <see cref="Latest"/>, each migration in its own transaction with its version number; refuses
    /// a file made by a newer version (this code would not know what it holds).
    /// </summary>
    public static void Migrate(SqliteSession db, string name)
    {
        var version = db.Scalar<long>("PRAGMA user_version");
        if (version > Latest)
        {
            throw new InvalidOperationException(
                $"The database '{name}' has schema version {version}; this version of the broker knows up to {Latest}. Use a newer broker or another Storage:ConnectionString.");
        }

        for (var next = (int)version + 1; next <= Latest; next++)
        {
            using var transaction = db.Connection.BeginTransaction();
            db.Transaction = transaction;
            try
            {
                db.ExecuteOnce(Migrations[next - 1]);
                db.ExecuteOnce($"PRAGMA user_version = {next}");
                transaction.Commit();
            }
            finally
            {
                db.Transaction = null;
            }
        }
    }
}
