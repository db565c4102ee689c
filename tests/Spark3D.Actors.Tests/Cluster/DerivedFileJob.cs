using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Spark3D.Actors.Cluster;

namespace Spark3D.Actors.Tests.Cluster;

/// <summary>
/// A real, small <see cref="IVolumeJob"/> for tests: reads the source file, rejects it unless it starts with
/// <see cref="Magic"/>, writes "derived" output (a header with the source's SHA-256, then the source bytes reversed)
/// to OUTPUT/ID.out with temp + rename, and returns the output's SHA-256. <see cref="WorkTime"/> paces each job so a
/// node can be stopped mid-run.
/// </summary>
internal sealed class DerivedFileJob(string outputDir, TimeSpan workTime) : IVolumeJob
{
    public const string Magic = "VOL1\n";

    public ConcurrentDictionary<string, int> Runs { get; } = new(StringComparer.Ordinal);

    public TimeSpan WorkTime { get; } = workTime;

    public VolumeJobResult Run(VolumeWorkItem item, CancellationToken ct)
    {
        Runs.AddOrUpdate(item.Id, 1, (_, n) => n + 1);
        var source = File.ReadAllBytes(item.SourcePath);
        if (!source.AsSpan().StartsWith(Encoding.ASCII.GetBytes(Magic)))
        {
            return VolumeJobResult.Failed($"'{item.SourcePath}' is not a volume (bad magic)");
        }

        // Simulated compute time; a stopping node cancels it and never writes.
        ct.WaitHandle.WaitOne(WorkTime);
        ct.ThrowIfCancellationRequested();

        var output = Derive(source);
        var name = item.Id + ".out";
        var final = Path.Combine(outputDir, name);
        var temp = Path.Combine(outputDir, $".{name}.{Guid.NewGuid():N}.tmp");
        File.WriteAllBytes(temp, output);
        File.Move(temp, final, overwrite: true);
        return VolumeJobResult.Ok(name, Hex(SHA256.HashData(output)), $"{{\"bytes\":{source.Length}}}");
    }

    /// <summary>The output a source must produce (used by tests to check content independently).</summary>
    public static byte[] Derive(byte[] source)
    {
        var header = Encoding.ASCII.GetBytes($"derived sha256={Hex(SHA256.HashData(source))}\n");
        var body = source.Reverse().ToArray();
        return [.. header, .. body];
    }

    public static string Hex(byte[] hash) => Convert.ToHexStringLower(hash);
}
