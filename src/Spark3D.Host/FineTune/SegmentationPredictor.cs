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
/// logits (optionally test-time mirrored), softmax, undo the preprocessing on the probabilities (trilinear) and argmax
/// on the input's original grid. With a bf16
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

    /// <summary>Loads model.json and a checkpoint of <paramref name="runDirectory"/>: the newest readable one, or with
    /// <paramref name="best"/> checkpoint_best (the best validation); the network runs in <paramref name="computeDType"/>
    /// (fp32 when null).</summary>
    public static SegmentationPredictor Open(string runDirectory, Device? device = null, ScalarType? computeDType = null, bool best = false)
    {
        var model = FineTunedModel.Read(runDirectory);
        var store = new CheckpointStore(model.CheckpointPath(runDirectory), keepLast: int.MaxValue);
        var checkpoint = best ? store.LoadBest() : store.LoadLatest(w => Console.Error.WriteLine("warning: " + w));
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

    /// <summary>Label map (integer values) for <paramref name="image"/>, on the image's own grid, affine and shape
    /// (no test-time mirroring).</summary>
    public Volume Predict(Volume image, double overlap, double sigmaScale = 0.125) =>
        Segment([image], new PredictionSettings(overlap, sigmaScale)).Labels;

    /// <summary>Label map for a case of <see cref="FineTunedModel.InputChannels"/> channels (channel 0's grid), no mirroring.</summary>
    public Volume Predict(IReadOnlyList<Volume> channels, double overlap, double sigmaScale = 0.125) =>
        Segment(channels, new PredictionSettings(overlap, sigmaScale)).Labels;

    /// <summary>Segments a single-channel <paramref name="image"/> (see the multi-channel overload).</summary>
    public SegmentationResult Segment(Volume image, PredictionSettings settings) => Segment([image], settings);

    /// <summary>
    /// Segments a case of <see cref="FineTunedModel.InputChannels"/> channels: sliding-window logits (mirrored when
    /// <see cref="PredictionSettings.TestTimeMirroring"/>), softmax, each class's probabilities taken back to channel 0's
    /// original grid (trilinear resampling, un-crop, un-reorient: nnU-Net resamples probabilities, not labels), then argmax
    /// there. Outside the crop box the background has probability 1.
    /// </summary>
    public SegmentationResult Segment(IReadOnlyList<Volume> channels, PredictionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(channels);
        ArgumentNullException.ThrowIfNull(settings);
        if (channels.Count != Model.InputChannels)
            throw new ArgumentException($"The network takes {Model.InputChannels} channel(s) ({string.Join(", ", Model.ChannelNames ?? ["MRI"])}), got {channels.Count}.");
        var (processedChannels, record) = _preprocessor.Process(channels);
        var processed = processedChannels[0];
        var s = processed.Shape;
        var p = Model.Patch;
        int classes = Model.NumClasses;
        var probabilities = new float[classes][];
        using (var scope = NewDisposeScope())
        {
            var input = processedChannels.Count == 1
                ? tensor(processed.Voxels, [1, s.Z, s.Y, s.X])
                : stack(processedChannels.Select(ch => tensor(ch.Voxels, [s.Z, s.Y, s.X])).ToArray());
            var options = new SlidingWindowOptions([p.Z, p.Y, p.X], settings.Overlap, settings.SigmaScale);
            Func<Tensor, Tensor> network = w => _network.forward(ComputePrecision.To(w, _dtype)).to(ScalarType.Float32);
            if (settings.TestTimeMirroring) network = TestTimeMirroring.Wrap(network);
            var logits = SlidingWindowPredictor.Predict(network, input, classes, options, _device);
            var softmax = torch.nn.functional.softmax(logits, 0).contiguous();
            for (int c = 0; c < classes; c++) probabilities[c] = softmax[c].contiguous().data<float>().ToArray();
        }
        // The background goes back as 1 - p so that the zeros the un-crop pads with become probability 1 for it.
        for (int i = 0; i < probabilities[0].Length; i++) probabilities[0][i] = 1 - probabilities[0][i];
        var back = new Volume[classes];
        for (int c = 0; c < classes; c++)
            back[c] = VolumePreprocessor.Undo(processed.WithVoxels(probabilities[c]), record, Interpolation.Trilinear);
        var background = back[0].Voxels;
        for (int i = 0; i < background.Length; i++) background[i] = 1 - background[i];
        var labels = new float[background.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            int best = 0;
            float bestP = background[i];
            for (int c = 1; c < classes; c++)
                if (back[c].Voxels[i] > bestP) { best = c; bestP = back[c].Voxels[i]; }
            labels[i] = best;
        }
        var first = back[0];
        return new SegmentationResult(new Volume(labels, first.Shape, first.Spacing, first.Affine), settings.KeepProbabilities ? back : null);
    }

    /// <inheritdoc />
    public void Dispose() => _network.Dispose();
}
