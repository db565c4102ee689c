using Spark3D.Actors.Pipeline;
using Spark3D.Training.Ports;

namespace Spark3D.Actors.Tests.Pipeline.Support;

/// <summary>A catalog over files in a temporary folder, deleted with the test.</summary>
internal sealed class TestCatalog : IVolumeCatalog, IDisposable
{
    private readonly List<VolumeRef> _volumes = [];

    public TestCatalog()
    {
        Root = Path.Combine(Path.GetTempPath(), "spark3d-pipeline-" + Guid.NewGuid().ToString("N")[..8]);
        DataDirectory = Path.Combine(Root, "data");
        RunDirectory = Path.Combine(Root, "run");
        Directory.CreateDirectory(DataDirectory);
    }

    public string Root { get; }
    public string DataDirectory { get; }
    public string RunDirectory { get; }
    public IReadOnlyList<VolumeRef> Volumes => _volumes;

    /// <summary>Adds <paramref name="count"/> good 12³ volumes with different mean levels.</summary>
    public TestCatalog AddGood(int count, int size = 12)
    {
        for (int i = 0; i < count; i++)
            _volumes.Add(RawVolumeFiles.WriteGood(DataDirectory, $"good-{_volumes.Count:D3}", size, 3 + (i % 5), i));
        return this;
    }

    public VolumeRef Add(VolumeRef v)
    {
        _volumes.Add(v);
        return v;
    }

    public PipelineOptions Options(long steps) => new()
    {
        RunDirectory = RunDirectory,
        TotalSteps = steps,
        Seed = 7,
        BatchSize = 2,
        PreprocessorCount = 2,
        VolumeChannelCapacity = 4,
        PatchChannelCapacity = 3,
        BatchChannelCapacity = 2,
        CheckpointEverySteps = 10,
        MetricsEverySteps = 5,
        IoRetryBaseDelay = TimeSpan.FromMilliseconds(20),
        TrainerMinBackoff = TimeSpan.FromMilliseconds(50),
        TrainerMaxBackoff = TimeSpan.FromMilliseconds(200),
        FinalCheckpointTimeout = TimeSpan.FromSeconds(10),
    };

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
