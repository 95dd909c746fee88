using System.Text.Json;

namespace CreatiWall.DeviceAgent;

/// <summary>
/// <c>DIR/current-layout.json</c>: the last applied layout envelope, replaced atomically (temp file, then rename) so a
/// renderer never reads half a layout. A layout being applied is written here first (the renderer's hook reads it);
/// if the hook fails, the one it replaced is put back from <c>DIR/previous-layout.json</c>.
/// </summary>
public sealed class LayoutFile
{
    readonly string _previous;

    public LayoutFile(string stateDir)
    {
        Directory.CreateDirectory(stateDir);
        Path = System.IO.Path.Combine(stateDir, "current-layout.json");
        _previous = System.IO.Path.Combine(stateDir, "previous-layout.json");
        var probe = System.IO.Path.Combine(stateDir, ".write-test");
        File.WriteAllText(probe, ""); // fails now, with a clear error, rather than at the first layout
        File.Delete(probe);
        Seq = ReadSeq();
    }

    public string Path { get; }

    /// <summary>The <c>seq</c> of the layout on file (0 when there is none).</summary>
    public long Seq { get; private set; }

    /// <summary>
    /// Puts <paramref name="envelope"/> on file, keeping the layout it replaces for <see cref="RestorePrevious"/> (unless
    /// the file already holds this <paramref name="seq"/>: an apply cut short by a crash, whose previous layout is kept).
    /// </summary>
    public void Write(byte[] envelope, long seq)
    {
        if (Seq != seq)
        {
            if (File.Exists(Path))
            {
                File.Copy(Path, _previous, overwrite: true);
            }
            else
            {
                File.Delete(_previous);
            }
        }

        AtomicFile.Write(Path, envelope);
        Seq = seq;
    }

    /// <summary>The layout now on file was applied: the one it replaced is no longer needed.</summary>
    public void Commit() => File.Delete(_previous);

    /// <summary>The layout now on file was not applied: the one it replaced is put back (none: no file).</summary>
    public void RestorePrevious()
    {
        if (File.Exists(_previous))
        {
            File.Move(_previous, Path, overwrite: true);
        }
        else
        {
            File.Delete(Path);
        }

        Seq = ReadSeq();
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

/// <summary>Writes a file whole or not at all: a temp file, flushed to disk, then renamed over the old one.</summary>
public static class AtomicFile
{
    public static void Write(string path, ReadOnlySpan<byte> content)
    {
        var temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(content);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
    }
}
