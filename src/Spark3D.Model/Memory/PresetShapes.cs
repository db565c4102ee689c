using Spark3D.Model.Mae;
using Spark3D.Model.Networks;
using static TorchSharp.torch;

namespace Spark3D.Model.Memory;

/// <summary>Parameter counts and patch multiples of the presets, counted on the META device (no storage is allocated).</summary>
public static class PresetShapes
{
    /// <summary>The network <paramref name="task"/> trains or runs: the SparK MAE (with mask tokens and densify convs) for
    /// pretrain, the segmentation U-Net with <paramref name="classes"/> outputs otherwise. Pretraining patches must also be
    /// multiples of the mask block. <paramref name="inputChannels"/> widens the stem (pretraining is single-channel).</summary>
    public static PresetShape For(MemoryTask task, string preset, int classes = 1, SparkMaeOptions? maeOptions = null, int maskBlock = 16, int inputChannels = 1)
    {
        var config = NetworkPresets.Get(preset, task == MemoryTask.Pretrain ? 1 : inputChannels, task == MemoryTask.Pretrain ? 1 : classes);
        long parameters;
        if (task == MemoryTask.Pretrain)
        {
            using var mae = new SparkMae(new ResidualEncoderUNet(config, META), maeOptions);
            parameters = mae.parameters().Sum(p => p.numel());
        }
        else
        {
            using var network = new ResidualEncoderUNet(config, META);
            parameters = network.ParameterCount();
        }
        int multiple = task == MemoryTask.Pretrain ? Lcm(config.TotalReduction, maskBlock) : config.TotalReduction;
        return new PresetShape(preset, parameters, multiple);
    }

    /// <summary><see cref="For"/> for every preset.</summary>
    public static IReadOnlyList<PresetShape> All(MemoryTask task, int classes = 1, SparkMaeOptions? maeOptions = null, int maskBlock = 16) =>
        NetworkPresets.Names.Select(p => For(task, p, classes, maeOptions, maskBlock)).ToList();

    private static int Lcm(int a, int b)
    {
        int x = a, y = b;
        while (y != 0) (x, y) = (y, x % y);
        return a / x * b;
    }
}
