using System.Text.Json;

namespace CreatiWall.DeviceAgent;

/// <summary>
/// <c>DIR/current-layout.json</c>: the last applied layout envelope, replaced atomically (temp file, then rename) so a
/// renderer never reads half a layout. Its <c>seq</c> is what the agent compares new layouts with, also after a restart.
/// </summary>
public sealed class LayoutFile
{
    public LayoutFile(string stateDir)
    {
        Directory.CreateDirectory(stateDir);
        Path = System.IO.Path.Combine(stateDir, "current-layout.json");
        var probe = System.IO.Path.Combine(stateDir, ".write-test");
        File.WriteAllText(probe, ""); // fails now, with a clear error, rather than at the first layout
        File.Delete(probe);
        Seq = ReadSeq();
    }

    public string Path { get; }

    /// <summary>The <c>seq</c> of the applied layout (0 when none was applied yet).</summary>
    public long Seq { get; private set; }

    public void Write(byte[] envelope, long seq)
    {
        var temp = Path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(envelope);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, Path, overwrite: true);
        Seq = seq;
    }

    long ReadSeq()
    {
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllBytes(Path));
            return json.RootElement.TryGetProperty("seq", out var seq) && seq.TryGetInt64(out var value) ? value : 0;
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            return 0; // none yet, or unreadable: the next layout is applied
        }
    }
}
