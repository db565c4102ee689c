using Spark3D.Model.Training;
using Spark3D.Training.Ports;

namespace Spark3D.Training.Engines;

/// <summary>Creates <see cref="SegmentationTrainerEngine"/>s for the pipeline's trainer (one per trainer (re)start).</summary>
public sealed class SegmentationTrainerEngineFactory(SegmentationEngineOptions options) : ITrainerEngineFactory
{
    /// <summary>The transfer report of the most recently created engine (null when from scratch).</summary>
    public WeightTransferReport? LastTransferReport { get; private set; }

    /// <inheritdoc />
    public ITrainerEngine Create()
    {
        var engine = new SegmentationTrainerEngine(options);
        LastTransferReport = engine.TransferReport;
        return engine;
    }
}
