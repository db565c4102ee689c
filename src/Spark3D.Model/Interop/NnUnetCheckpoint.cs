using System.Collections;
using System.Text.Json.Nodes;
using Spark3D.Model.Networks;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Spark3D.Model.Interop;

/// <summary>What an nnU-Net v2 checkpoint says besides the weights.</summary>
/// <param name="PatchSize">Patch in nnU-Net's array order (z, y, x).</param>
/// <param name="Spacing">Target spacing (z, y, x) in mm, or null when the run kept each image's own.</param>
/// <param name="NormalizationSchemes">Per input channel: CTNormalization or ZScoreNormalization.</param>
/// <param name="DatasetJson">The dataset.json the network was trained on (labels, channel_names), or null.</param>
/// <param name="DatasetName">nnU-Net's dataset name (DatasetXXX_Name), or a stand-in.</param>
public sealed record NnUnetCheckpointInfo(int[] PatchSize, double[]? Spacing, IReadOnlyList<string> NormalizationSchemes, JsonObject? DatasetJson,
    string DatasetName);

/// <summary>
/// Writes a checkpoint in the layout nnU-Net v2 loads (<c>torch.save</c> of a dict, as <c>nnUNetTrainer.save_checkpoint</c>
/// writes it): <c>network_weights</c> (dynamic-network-architectures names, aliases included, see
/// <see cref="ResEncWeights.WithDynamicNetworkAliases"/>), <c>trainer_name</c> ("nnUNetTrainer"),
/// <c>inference_allowed_mirroring_axes</c> ([0, 1, 2]), <c>current_epoch</c> (0) and <c>init_args</c> with
/// <c>configuration</c> ("3d_fullres"), <c>fold</c> (0), <c>dataset_json</c> and a <c>plans</c> dict whose
/// <c>configurations.3d_fullres.architecture</c> is the network_class_name + arch_kwargs block nnU-Net v2.4+ builds the
/// network from (ResidualEncoderUNet, features, kernel sizes, strides, blocks, Conv3d, InstanceNorm3d, LeakyReLU).
/// No optimiser state: the file is for <c>nnUNetv2_predict</c> (beside plans.json and dataset.json) and for
/// <c>nnUNetv2_train … -pretrained_weights FILE</c>, not for resuming nnU-Net's training.
/// </summary>
public static class NnUnetCheckpoint
{
    /// <summary>nnU-Net's configuration name the plans and init_args use.</summary>
    public const string Configuration = "3d_fullres";

    /// <summary>Writes <paramref name="path"/>.</summary>
    public static void Write(string path, IReadOnlyDictionary<string, Tensor> weights, UNetConfig config, NnUnetCheckpointInfo info)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(info);
        var networkWeights = new Hashtable();
        foreach (var (k, v) in ResEncWeights.WithDynamicNetworkAliases(weights)) networkWeights[k] = v;
        var plans = new Hashtable
        {
            ["dataset_name"] = info.DatasetName,
            ["plans_name"] = "nnUNetResEncUNetPlans",
            ["configurations"] = new Hashtable { [Configuration] = PlansConfiguration(config, info) },
        };
        var initArgs = new Hashtable
        {
            ["plans"] = plans,
            ["configuration"] = Configuration,
            ["fold"] = 0,
            ["dataset_json"] = info.DatasetJson is null ? null : ToPython(info.DatasetJson),
        };
        var checkpoint = new Hashtable
        {
            ["network_weights"] = networkWeights,
            ["optimizer_state"] = null,
            ["grad_scaler_state"] = null,
            ["logging"] = null,
            ["_best_ema"] = null,
            ["current_epoch"] = 0,
            ["init_args"] = initArgs,
            ["trainer_name"] = "nnUNetTrainer",
            ["inference_allowed_mirroring_axes"] = new ArrayList { 0, 1, 2 },
        };
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        PyTorchPickler.PickleStateDict(path, checkpoint);
    }

    /// <summary>plans["configurations"]["3d_fullres"]: patch, spacing, normalisation and the architecture block.</summary>
    public static Hashtable PlansConfiguration(UNetConfig config, NnUnetCheckpointInfo info)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(info);
        int k = config.KernelSize;
        var archKwargs = new Hashtable
        {
            ["n_stages"] = config.Stages,
            ["features_per_stage"] = List(config.Features.Cast<object>()),
            ["conv_op"] = "torch.nn.modules.conv.Conv3d",
            ["kernel_sizes"] = List(config.Features.Select(_ => (object)List([k, k, k]))),
            ["strides"] = List(config.Strides.Select(s => (object)List([s, s, s]))),
            ["n_blocks_per_stage"] = List(config.BlocksPerStage.Cast<object>()),
            ["n_conv_per_stage_decoder"] = List(config.DecoderConvsPerStage.Cast<object>()),
            ["conv_bias"] = config.ConvBias,
            ["norm_op"] = "torch.nn.modules.instancenorm.InstanceNorm3d",
            ["norm_op_kwargs"] = new Hashtable { ["eps"] = config.NormEps, ["affine"] = true },
            ["dropout_op"] = null,
            ["dropout_op_kwargs"] = null,
            ["nonlin"] = "torch.nn.LeakyReLU",
            ["nonlin_kwargs"] = new Hashtable { ["inplace"] = true, ["negative_slope"] = config.LeakySlope },
        };
        return new Hashtable
        {
            ["data_identifier"] = "spark3d_" + Configuration,
            ["patch_size"] = List(info.PatchSize.Cast<object>()),
            ["spacing"] = info.Spacing is null ? null : List(info.Spacing.Cast<object>()),
            ["normalization_schemes"] = List(info.NormalizationSchemes),
            ["use_mask_for_norm"] = List(info.NormalizationSchemes.Select(_ => (object)false)),
            ["architecture"] = new Hashtable
            {
                ["network_class_name"] = "dynamic_network_architectures.architectures.unet.ResidualEncoderUNet",
                ["arch_kwargs"] = archKwargs,
                ["_kw_requires_import"] = List(["conv_op", "norm_op", "dropout_op", "nonlin"]),
            },
        };
    }

    private static ArrayList List(IEnumerable<object> items) => new(items.ToList());

    /// <summary>A JSON value as the pickler's Python objects (dict, list, str, int, float, bool, None).</summary>
    private static object? ToPython(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => o.Aggregate(new Hashtable(), (h, kv) => { h[kv.Key] = ToPython(kv.Value); return h; }),
        JsonArray a => new ArrayList(a.Select(ToPython).ToList()),
        JsonValue v when v.TryGetValue<long>(out long l) => l,
        JsonValue v when v.TryGetValue<double>(out double d) => d,
        JsonValue v when v.TryGetValue<bool>(out bool b) => b,
        JsonValue v when v.TryGetValue<string>(out string? s) => s,
        _ => node.ToJsonString(),
    };
}
