namespace CreatiWall.Broker.Storage;

/// <summary>Configuration sections <c>Storage</c> and <c>History</c>.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>SQLite connection string; the default file lives under <c>data/</c> next to the process.</summary>
    public string ConnectionString { get; set; } = "Data Source=data/creatiwall.db";

    /// <summary>Envelopes kept per tenant for catch-up.</summary>
    public int HistoryMaxMessages { get; set; } = 1000;

    /// <summary>How long envelopes are kept for catch-up.</summary>
    public int HistoryMaxAgeHours { get; set; } = 24;
}
