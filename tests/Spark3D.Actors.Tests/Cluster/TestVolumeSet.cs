using System.Text;
using Spark3D.Actors.Cluster;

namespace Spark3D.Actors.Tests.Cluster;

/// <summary>A temp directory with small input files (valid ones start with the job's magic) and an output folder.</summary>
internal sealed class TestVolumeSet : IDisposable
{
    public TestVolumeSet(int count, int invalidEvery, int seed = 7)
    {
        Root = Path.Combine(Path.GetTempPath(), "spark3d-cluster-" + Guid.NewGuid().ToString("N"));
        InputDir = Path.Combine(Root, "input");
        OutputDir = Path.Combine(Root, "output");
        Directory.CreateDirectory(InputDir);
        Directory.CreateDirectory(OutputDir);
        var rng = new Random(seed);
        var items = new List<VolumeWorkItem>();
        var invalid = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var id = $"vol{i:D3}";
            var payload = new byte[200 + rng.Next(800)];
            rng.NextBytes(payload);
            var bad = invalidEvery > 0 && i % invalidEvery == invalidEvery - 1;
            var bytes = bad ? payload : [.. Encoding.ASCII.GetBytes(DerivedFileJob.Magic), .. payload];
            var path = Path.Combine(InputDir, id + ".bin");
            File.WriteAllBytes(path, bytes);
            items.Add(new VolumeWorkItem(id, path));
            if (bad)
            {
                invalid.Add(id);
            }
        }

        Items = items;
        InvalidIds = invalid;
    }

    public string Root { get; }

    public string InputDir { get; }

    public string OutputDir { get; }

    public IReadOnlyList<VolumeWorkItem> Items { get; }

    public IReadOnlySet<string> InvalidIds { get; }

    public string JournalPath => Path.Combine(Root, "manifest.jsonl");

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A job thread of a stopped node may still be finishing; leftovers in /tmp are harmless.
        }
    }
}
