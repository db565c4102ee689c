using Spark3D.Data.Nifti;
using Spark3D.Data.Volumes;
using Spark3D.Host.Config;
using Spark3D.Host.FineTune;
using Spark3D.Model.Devices;
using Spark3D.Model.Mae;
using Spark3D.Model.Memory;
using Spark3D.Model.Networks;
using Spark3D.Model.Training;

namespace Spark3D.Host.Memory;

/// <summary>What each command is about to run, as a <see cref="MemoryWorkload"/> (plus the presets a suggestion may use).</summary>
public static class CommandWorkloads
{
    /// <summary>One preflight's inputs.</summary>
    public sealed record Preflight(MemoryWorkload Workload, PresetShape Current, IReadOnlyList<PresetShape> Alternatives);

    /// <summary><c>spark3d pretrain</c> with its mapped settings.</summary>
    public static Preflight Pretrain(NetworkOptions network, SparkMaeOptions mae, PretrainDataOptions data, OptimizerKind optimizer,
        TorchRuntimeInfo runtime, int batch)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        int block = data.Masks.BlockSize;
        var all = PresetShapes.All(MemoryTask.Pretrain, 1, mae, block);
        var current = PresetShapes.For(MemoryTask.Pretrain, network.Preset, 1, mae, block);
        var w = new MemoryWorkload(MemoryTask.Pretrain, network.Preset, data.Producer.PatchSize, batch, current.Parameters,
            ComputePrecision.IsReduced(runtime.ComputeDType), runtime.IsCuda, optimizer);
        return new Preflight(w, current, all);
    }

    /// <summary><c>spark3d finetune</c>; with a pre-trained checkpoint the preset is fixed (no preset suggestions).</summary>
    public static Preflight Finetune(FineTuneSettings settings, TorchRuntimeInfo runtime, int batch, int classes, bool presetFixed)
    {
        var current = PresetShapes.For(MemoryTask.Finetune, settings.Preset, classes);
        var w = new MemoryWorkload(MemoryTask.Finetune, settings.Preset, settings.PatchSize, batch, current.Parameters,
            ComputePrecision.IsReduced(runtime.ComputeDType), runtime.IsCuda, settings.Optimizer.Kind, classes);
        return new Preflight(w, current, presetFixed ? [] : PresetShapes.All(MemoryTask.Finetune, classes));
    }

    /// <summary><c>spark3d predict</c>: the run's network (with its C input channels) and window; the largest input after
    /// resampling (from channel 0's header: the channels of a case share a grid).</summary>
    public static Preflight Predict(FineTunedModel model, TorchRuntimeInfo runtime, IReadOnlyList<string> inputs)
    {
        var current = PresetShapes.For(MemoryTask.Predict, model.Preset, model.NumClasses, inputChannels: model.InputChannels);
        long voxels = inputs.Select(f => PreprocessedVoxels(NiftiReader.ReadHeader(f), model.TargetSpacing)).DefaultIfEmpty(0).Max();
        var w = new MemoryWorkload(MemoryTask.Predict, model.Preset, model.Patch, 1, current.Parameters,
            ComputePrecision.IsReduced(runtime.ComputeDType), runtime.IsCuda, Classes: model.NumClasses, VolumeVoxels: voxels,
            InputChannels: model.InputChannels);
        return new Preflight(w, current, []);
    }

    /// <summary>Voxels of a volume resampled to <paramref name="target"/> mm (before cropping: an upper bound).</summary>
    public static long PreprocessedVoxels(NiftiHeader header, double[]? target)
    {
        Shape3 s = header.Shape;
        if (target is not { Length: 3 }) return s.Count;
        var sp = header.Spacing;
        return (long)Math.Ceiling(s.X * sp.X / target[0]) * (long)Math.Ceiling(s.Y * sp.Y / target[1]) * (long)Math.Ceiling(s.Z * sp.Z / target[2]);
    }
}
