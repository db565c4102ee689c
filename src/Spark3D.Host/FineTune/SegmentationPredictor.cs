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
    private readonly CasePreprocessor _preprocessor;
    private readonly Device _device;
    private readonly ScalarType _dtype;

    private SegmentationPredictor(FineTunedModel model, ResidualEncoderUNet network, Device device, ScalarType dtype)
    {
        Model = model;
        _network = network;
        _device = device;
        _dtype = dtype;
        // CT channels are normalised with the training set's statistics from model.json, as nnU-Net's predictor does.
        _preprocessor = new CasePreprocessor(model.ToPreprocessOptions(), model.CtIntensityProperties);
    }

    /// <summary>The run's model description.</summary>
    public FineTunedModel Model { get; }

    /// <summary>The optimiser step of the weights in use.</summary>
    public long Step { get; private init; }

    /// <summary>The dtype the network computes in.</summary>
    public ScalarType ComputeDType => _dtype;

    /// <summary>Loads model.json and the newest readable checkpoint of <paramref name="runDirectory"/>; the network runs in
    /// <paramref name="computeDType"/> (fp32 when null).</summary>
    public static SegmentationPredictor Open(string runDirectory, Device? device = null, ScalarType? computeDType = null)
    {
        var model = FineTunedModel.Read(runDirectory);
        var store = new CheckpointStore(model.CheckpointPath(runDirectory), keepLast: int.MaxValue);
        var checkpoint = store.LoadLatest(w => Console.Error.WriteLine("warning: " + w));
        var network = ResidualEncoderUNet.FromPreset(model.Preset, model.InputChannels, model.NumClasses);
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
    public Volume Predict(Volume image, double overlap, double sigmaScale = 0.125) => Predict([image], overlap, sigmaScale);

    /// <summary>Label map for a case of <see cref="FineTunedModel.InputChannels"/> channels (channel 0's grid).</summary>
    public Volume Predict(IReadOnlyList<Volume> channels, double overlap, double sigmaScale = 0.125)
    {
        ArgumentNullException.ThrowIfNull(channels);
        if (channels.Count != Model.InputChannels)
            throw new ArgumentException($"The network takes {Model.InputChannels} channel(s) ({string.Join(", ", Model.ChannelNames ?? ["MRI"])}), got {channels.Count}.");
        var (processedChannels, record) = _preprocessor.Process(channels);
        var processed = processedChannels[0];
        var s = processed.Shape;
        var p = Model.Patch;
        float[] labels;
        using (var scope = NewDisposeScope())
        {
            var input = processedChannels.Count == 1
                ? tensor(processed.Voxels, [1, s.Z, s.Y, s.X])
                : stack(processedChannels.Select(ch => tensor(ch.Voxels, [s.Z, s.Y, s.X])).ToArray());
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
