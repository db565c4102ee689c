using Spark3D.Data.Preprocessing;
using Spark3D.Data.Volumes;
using Spark3D.Model.Checkpoints;
using Spark3D.Model.Inference;
using Spark3D.Model.Networks;
using Spark3D.Model.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Spark3D.Host.FineTune;

/// <summary>
/// Applies a fine-tuned network to whole images: preprocess (keeping the record), Gaussian-weighted sliding-window
/// logits, argmax, and undo the preprocessing (nearest) so the label map lies on the input's original grid. With a bf16
/// compute dtype the network (but not its InstanceNorm parameters) is cast to bf16, each window goes in as bf16 and its
/// logits are accumulated in fp32.
/// </summary>
public sealed class SegmentationPredictor : IDisposable
{
    private readonly ResidualEncoderUNet _network;
    private readonly VolumePreprocessor _preprocessor;
    private readonly Device _device;
    private readonly ScalarType _dtype;

    private SegmentationPredictor(FineTunedModel model, ResidualEncoderUNet network, Device device, ScalarType dtype)
    {
        Model = model;
        _network = network;
        _device = device;
        _dtype = dtype;
        _preprocessor = new VolumePreprocessor(model.ToPreprocessOptions());
    }

    /// <summary>The run's model description.</summary>
    public FineTunedModel Model { get; }

    /// <summary>The optimiser step of the weights in use.</summary>
    public long Step { get; private init; }

    /// <summary>The dtype the network computes in.</summary>
    public ScalarType ComputeDType => _dtype;

    /// <summary>Loads model.json and a checkpoint of <paramref name="runDirectory"/>: the newest readable one, or with
    /// <paramref name="best"/> checkpoint_best (the best validation); the network runs in <paramref name="computeDType"/>
    /// (fp32 when null).</summary>
    public static SegmentationPredictor Open(string runDirectory, Device? device = null, ScalarType? computeDType = null, bool best = false)
    {
        var model = FineTunedModel.Read(runDirectory);
        var store = new CheckpointStore(model.CheckpointPath(runDirectory), keepLast: int.MaxValue);
        var checkpoint = best ? store.LoadBest() : store.LoadLatest(w => Console.Error.WriteLine("warning: " + w));
        var network = ResidualEncoderUNet.FromPreset(model.Preset, 1, model.NumClasses);
        try
        {
            checkpoint.Restore(network, null, restoreTorchRng: false);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            network.Dispose();
            throw new InvalidDataException($"{store.Directory}: checkpoint step {checkpoint.Step} does not fit a {model.Preset} network with {model.NumClasses} classes: {e.Message}", e);
        }
        var d = device ?? CPU;
        var dtype = computeDType ?? ScalarType.Float32;
        network.to(d);
        ComputePrecision.CastForCompute(network, dtype);
        network.eval();
        return new SegmentationPredictor(model, network, d, dtype) { Step = checkpoint.Step };
    }

    /// <summary>Label map (integer values) for <paramref name="image"/>, on the image's own grid, affine and shape.</summary>
    public Volume Predict(Volume image, double overlap, double sigmaScale = 0.125)
    {
        ArgumentNullException.ThrowIfNull(image);
        var (processed, record) = _preprocessor.Process(image);
        var s = processed.Shape;
        var p = Model.Patch;
        float[] labels;
        using (var scope = NewDisposeScope())
        {
            var input = tensor(processed.Voxels, [1, s.Z, s.Y, s.X]);
            var options = new SlidingWindowOptions([p.Z, p.Y, p.X], overlap, sigmaScale);
            var logits = SlidingWindowPredictor.Predict(w => _network.forward(ComputePrecision.To(w, _dtype)).to(ScalarType.Float32),
                input, Model.NumClasses, options, _device);
            labels = logits.argmax(0).to(ScalarType.Float32).contiguous().data<float>().ToArray();
        }
        return VolumePreprocessor.Undo(processed.WithVoxels(labels), record, Interpolation.Nearest);
    }

    /// <inheritdoc />
    public void Dispose() => _network.Dispose();
}
