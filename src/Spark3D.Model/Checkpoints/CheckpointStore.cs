using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Spark3D.Model.Checkpoints;

/// <summary>
/// A directory of checkpoints `step-000500.ckpt` plus a `latest` pointer file. Saves are atomic (temp file, flush,
/// fsync, rename, directory fsync); the newest <see cref="KeepLast"/> files are kept. Loading verifies the checksum and
/// falls back to older checkpoints with a warning, and never returns a corrupt one.
/// </summary>
public sealed partial class CheckpointStore
{
    /// <summary>Name of the pointer file holding the newest checkpoint's file name.</summary>
    public const string LatestPointerName = "latest";

    // The pointer holds one file name; anything larger is not a pointer (e.g. a checkpoint named 'latest').
    private const long MaxPointerBytes = 4096;

    private readonly Action<string>? onWarning;

    /// <param name="directory">Created if missing.</param>
    /// <param name="keepLast">How many checkpoint files to keep (&gt;= 1).</param>
    /// <param name="onWarning">Receives fallback and clean-up warnings (one line each).</param>
    public CheckpointStore(string directory, int keepLast, Action<string>? onWarning = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (keepLast < 1) throw new ArgumentOutOfRangeException(nameof(keepLast), $"checkpoint keep-last must be >= 1, got {keepLast}.");
        Directory = Path.GetFullPath(directory);
        KeepLast = keepLast;
        this.onWarning = onWarning;
        System.IO.Directory.CreateDirectory(Directory);
    }

    /// <summary>The store's folder (absolute).</summary>
    public string Directory { get; }

    /// <summary>How many checkpoint files are kept.</summary>
    public int KeepLast { get; }

    /// <summary>The file name for a step: `step-000500.ckpt`.</summary>
    public static string FileNameFor(long step) => $"step-{step.ToString("D6", CultureInfo.InvariantCulture)}.ckpt";

    /// <summary>Writes the checkpoint atomically, updates `latest`, prunes old files; returns the checkpoint's path.</summary>
    public string Save(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        RemoveStaleTempFiles();
        var finalPath = Path.Combine(Directory, FileNameFor(checkpoint.Step));
        WriteAtomically(finalPath, stream => CheckpointSerializer.Write(checkpoint, stream));
        WriteAtomically(Path.Combine(Directory, LatestPointerName),
            stream => stream.Write(CheckpointSerializer.Utf8.GetBytes(Path.GetFileName(finalPath) + "\n")));
        Prune();
        return finalPath;
    }

    /// <summary>The best checkpoint's file name (nnU-Net's checkpoint_best): a fine-tuning run's weights at its best
    /// validation so far. Never pruned, never the `latest` pointer's target.</summary>
    public const string BestFileName = "checkpoint_best.ckpt";

    /// <summary>The path of <see cref="BestFileName"/> in this store.</summary>
    public string BestPath => Path.Combine(Directory, BestFileName);

    /// <summary>Writes <paramref name="checkpoint"/> atomically as <see cref="BestFileName"/> (replacing the previous best).</summary>
    public string SaveBest(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        WriteAtomically(BestPath, stream => CheckpointSerializer.Write(checkpoint, stream));
        return BestPath;
    }

    /// <summary>Reads <see cref="BestFileName"/>.</summary>
    /// <exception cref="CheckpointNotFoundException">There is none (the run had no validation split, or no validation yet).</exception>
    /// <exception cref="CorruptCheckpointException">It does not verify.</exception>
    public Checkpoint LoadBest() =>
        File.Exists(BestPath)
            ? Read(BestPath)
            : throw new CheckpointNotFoundException($"{Directory}: no {BestFileName} (written by fine-tuning runs with a validation split, at their first validation).");

    /// <summary>Checkpoint files, oldest step first (temp files and other names are ignored).</summary>
    public IReadOnlyList<CheckpointFile> List() =>
        System.IO.Directory.EnumerateFiles(Directory, "step-*.ckpt")
            .Select(p => (Path: p, Match: CheckpointName().Match(Path.GetFileName(p))))
            .Where(x => x.Match.Success)
            .Select(x => new CheckpointFile(long.Parse(x.Match.Groups[1].Value, CultureInfo.InvariantCulture), x.Path))
            .OrderBy(f => f.Step)
            .ToList();

    /// <summary>
    /// The newest checkpoint that verifies: the `latest` pointer's file first, then the others from the newest step
    /// down. Each unreadable candidate produces a warning (store callback and <paramref name="onWarning"/>).
    /// </summary>
    public bool TryLoadLatest([NotNullWhen(true)] out Checkpoint? checkpoint, Action<string>? onWarning = null)
    {
        foreach (var path in Candidates())
        {
            try
            {
                checkpoint = CheckpointSerializer.Read(path);
                return true;
            }
            catch (CorruptCheckpointException e)
            {
                Warn($"{e.Message}; falling back to the previous checkpoint.", onWarning);
            }
            catch (IOException e)
            {
                Warn($"{path}: cannot read checkpoint ({e.Message}); falling back to the previous checkpoint.", onWarning);
            }
        }
        checkpoint = null;
        return false;
    }

    /// <summary>Like <see cref="TryLoadLatest"/> but throws when no readable checkpoint exists.</summary>
    /// <exception cref="CheckpointNotFoundException">None found (or all corrupt).</exception>
    public Checkpoint LoadLatest(Action<string>? onWarning = null) =>
        TryLoadLatest(out var c, onWarning) ? c : throw new CheckpointNotFoundException($"{Directory}: no readable checkpoint (step-*.ckpt).");

    /// <summary>
    /// True when <paramref name="path"/> is a store's pointer file (like <see cref="LatestPointerName"/>): a small text file
    /// whose only line names a <c>step-NNNNNN.ckpt</c>. <paramref name="checkpointName"/> is that name (no folder).
    /// Anything else, a corrupt checkpoint included, is not a pointer.
    /// </summary>
    public static bool IsPointerFile(string path, [NotNullWhen(true)] out string? checkpointName)
    {
        checkpointName = null;
        var info = new FileInfo(path);
        if (!info.Exists || info.Length > MaxPointerBytes) return false;
        var name = File.ReadAllText(path).Trim();
        if (!CheckpointName().IsMatch(name)) return false;
        checkpointName = name;
        return true;
    }

    /// <summary>Reads and verifies one checkpoint file.</summary>
    /// <exception cref="CorruptCheckpointException">Truncated, altered or not a checkpoint.</exception>
    public static Checkpoint Read(string path)
    {
        try
        {
            return CheckpointSerializer.Read(path);
        }
        catch (EndOfStreamException)
        {
            throw new CorruptCheckpointException(path, "unexpected end of file");
        }
    }

    private IEnumerable<string> Candidates()
    {
        var seen = new HashSet<string>();
        var pointer = Path.Combine(Directory, LatestPointerName);
        if (File.Exists(pointer))
        {
            var target = IsPointerFile(pointer, out var name) ? Path.Combine(Directory, name) : null;
            if (target is not null && File.Exists(target))
            {
                seen.Add(target);
                yield return target;
            }
            else
            {
                Warn($"{pointer}: points at '{name ?? "(not a checkpoint name)"}', which is missing; scanning the directory.", null);
            }
        }
        foreach (var f in List().Reverse())
            if (seen.Add(f.Path)) yield return f.Path;
    }

    private void Prune()
    {
        var files = List();
        foreach (var old in files.Take(Math.Max(0, files.Count - KeepLast)))
        {
            try
            {
                File.Delete(old.Path);
            }
            catch (IOException e)
            {
                Warn($"{old.Path}: could not delete old checkpoint: {e.Message}", null);
            }
        }
    }

    // Temp files are left behind only by a writer that crashed mid-save; one store writes per directory.
    private void RemoveStaleTempFiles()
    {
        foreach (var tmp in System.IO.Directory.EnumerateFiles(Directory, ".*.tmp-*"))
        {
            try
            {
                File.Delete(tmp);
            }
            catch (IOException)
            {
                // harmless: it is ignored by List()
            }
        }
    }

    private void WriteAtomically(string finalPath, Action<FileStream> write)
    {
        var tmp = Path.Combine(Directory, $".{Path.GetFileName(finalPath)}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            using (var stream = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(tmp, finalPath, overwrite: true);
        }
        catch
        {
            try { File.Delete(tmp); } catch (IOException) { }
            throw;
        }
        DirectorySync.TrySync(Directory);
    }

    private void Warn(string message, Action<string>? extra)
    {
        onWarning?.Invoke(message);
        extra?.Invoke(message);
    }

    [GeneratedRegex(@"^step-(\d+)\.ckpt$")]
    private static partial Regex CheckpointName();
}
