using System.Diagnostics;
using System.Globalization;
using System.Text;
using Spark3D.Data.Cache;
using Spark3D.Data.Volumes;

namespace Spark3D.Bench;

/// <summary>
/// `journal-fsync [--count 500] [--repeat 3] [--dir DIR]`: the evidence for the journal's fsync policy
/// (docs/cluster.md, "Journal durability"). Appends --count manifest lines of a realistic size to a file in --dir
/// (default: a temporary folder under the current directory, so the disk the output folder would be on, not a tmpfs)
/// in three ways: written and flushed to the OS only (the old policy), written and fsynced per line (plain FileStream),
/// and through <see cref="DatasetManifest.Append"/> (fsync per line, the policy). Reports the median microseconds per
/// line over --repeat rounds.
/// </summary>
internal static class JournalFsyncBench
{
    public static int Run(string[] args)
    {
        int count = BenchArgs.Int(args, "--count", 500), repeat = BenchArgs.Int(args, "--repeat", 3);
        string parent = BenchArgs.String(args, "--dir", Directory.GetCurrentDirectory());
        string work = Path.Combine(Path.GetFullPath(parent), "spark3d-journal-fsync-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        try
        {
            Console.WriteLine("journal-fsync: " + BenchEnvironment.Describe());
            Console.WriteLine($"folder {work}; {count} lines per round, {repeat} rounds; median µs per appended line");
            var line = Encoding.UTF8.GetBytes(ManifestEntryJson.Serialize(Entry("phantom_000")) + "\n");
            var flushOnly = new List<double>();
            var fsync = new List<double>();
            var manifest = new List<double>();
            for (int r = 0; r < repeat; r++)
            {
                flushOnly.Add(Raw(Path.Combine(work, $"flush-{r}.jsonl"), line, count, toDisk: false));
                fsync.Add(Raw(Path.Combine(work, $"fsync-{r}.jsonl"), line, count, toDisk: true));
                manifest.Add(ThroughManifest(Path.Combine(work, $"manifest-{r}.jsonl"), count));
            }

            Console.WriteLine();
            Console.WriteLine("| append | µs per line (median) | rounds |");
            Console.WriteLine("|---|---|---|");
            Row("write + Flush() (to the OS only)", flushOnly);
            Row("write + Flush(true) (fsync)", fsync);
            Row("DatasetManifest.Append (fsync, the policy)", manifest);
            Console.WriteLine($"line size {line.Length} bytes");
            return 0;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static double Raw(string path, byte[] line, int count, bool toDisk)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read);
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < count; i++)
        {
            stream.Write(line);
            stream.Flush(toDisk);
        }

        return sw.Elapsed.TotalMicroseconds / count;
    }

    private static double ThroughManifest(string path, int count)
    {
        using var m = DatasetManifest.Load(path);
        m.Append(Entry("warm-up"));
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < count; i++) m.Append(Entry("phantom_" + i.ToString("D3", CultureInfo.InvariantCulture)));
        return sw.Elapsed.TotalMicroseconds / count;
    }

    private static void Row(string name, List<double> us) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {Median.Of(us):F1} | {string.Join(" / ", us.Select(u => u.ToString("F1", CultureInfo.InvariantCulture)))} |"));

    // The size of a real line: every field of an ok entry filled.
    private static ManifestEntry Entry(string id) => new()
    {
        Id = id,
        SourcePath = "/data/in/" + id + ".nii.gz",
        ContentHash = new string('a', 64),
        Status = ManifestStatus.Ok,
        OutputFile = id + ".s3d",
        OriginalShape = new Shape3(256, 256, 170),
        OriginalSpacing = new Spacing3(0.9, 0.9, 1.2),
        OriginalAffine = new Affine([-0.9, 0, 0, 90, 0, 0.9, 0, -120, 0, 0, 1.2, -80, 0, 0, 0, 1]),
        NewShape = new Shape3(230, 230, 204),
        NewSpacing = Spacing3.Isotropic1mm,
        Stats = new VolumeStats(0.0, 1.0, -1.5, 7.25),
        ElapsedMs = 412.5,
        TimestampUtc = DateTimeOffset.UtcNow,
    };
}
