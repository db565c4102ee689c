using Spark3D.Model.Networks;
using Spark3D.Model.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Spark3D.Model.Mae;

/// <summary>
/// SparK-style masked autoencoder around a dense <see cref="ResidualEncoderUNet"/> (nnssl <c>SparK3D</c>, spec §2).
/// forward(image B×C×D×H×W z-scored, visibleMask B×1×g×g×g {0,1}) → reconstruction B×NumClasses×D×H×W.
/// The input is masked first (no 1-voxel leak); the wrapped encoder runs sparse (mask after every conv / pool,
/// visible-voxel InstanceNorm); each skip is densified (non-affine masked IN → per-stage mask token at masked positions →
/// 3³ conv, identity at full resolution) and decoded densely. The wrapped network is registered as <c>architecture</c>,
/// so its weights keep their dense names (<c>architecture.encoder...</c>) and transfer unchanged via <see cref="Network"/>.
/// </summary>
public sealed class SparkMae : Module<Tensor, Tensor, Tensor>
{
    private readonly ResidualEncoderUNet architecture;
    private readonly ParameterList? maskTokens;
    private readonly ModuleList<Module<Tensor, Tensor>>? densifyProjs;
    private readonly SparkMaeOptions options;

    /// <summary>Wraps <paramref name="network"/> (its parameters are shared, not copied).</summary>
    public SparkMae(ResidualEncoderUNet network, SparkMaeOptions? options = null) : base(nameof(SparkMae))
    {
        architecture = network;
        this.options = options ?? new SparkMaeOptions();
        register_module("architecture", architecture);
        if (!this.options.UseMaskToken) return;

        var features = network.Config.Features;
        var device = network.parameters().First().device;
        maskTokens = new ParameterList();
        densifyProjs = new ModuleList<Module<Tensor, Tensor>>();
        using (torch.no_grad())
        {
            for (int i = 0; i < features.Length; i++)
            {
                var token = new Parameter(torch.zeros(new long[] { 1, features[i], 1, 1, 1 }, device: device));
                double std = this.options.MaskTokenStd;
                init.trunc_normal_(token, 0.0, std, -std, std);
                maskTokens.Add(token);
                densifyProjs.Add(i == 0
                    ? Identity()
                    : Conv3d(features[i], features[i], 3, stride: 1, padding: 1, bias: true, device: device));
            }
        }
        register_module("mask_tokens", maskTokens);
        register_module("densify_projs", densifyProjs);
    }

    /// <summary>A MAE around a fresh <paramref name="preset"/> network with one output channel (PyTorch default init).</summary>
    public static SparkMae FromPreset(string preset, int inputChannels = 1, SparkMaeOptions? options = null, Device? device = null) =>
        new(ResidualEncoderUNet.FromPreset(preset, inputChannels, numClasses: 1, device), options);

    /// <summary>The dense network whose weights are pretrained (encoder, decoder, heads).</summary>
    public ResidualEncoderUNet Network => architecture;

    /// <summary>The options this MAE was built with.</summary>
    public SparkMaeOptions Options => options;

    /// <summary>SparK-only parameters (mask tokens and densify convs), i.e. everything not in <see cref="Network"/>.</summary>
    public IEnumerable<(string Name, Parameter Parameter)> NamedSparkParameters() =>
        named_parameters().Where(p => !p.name.StartsWith("architecture.", StringComparison.Ordinal));

    /// <summary>Reconstruction of <paramref name="image"/> from its visible blocks.</summary>
    public override Tensor forward(Tensor image, Tensor visibleMask)
    {
        using var scope = NewDisposeScope();
        using var sparse = new SparseContext(visibleMask, image, architecture.Config);
        var skips = EncodeSparse(image, sparse);
        var toDecoder = options.UseMaskToken ? Densify(skips, sparse) : skips;
        var reconstruction = architecture.Decoder.forward(toDecoder);
        return scope.MoveToOuter(reconstruction);
    }

    /// <summary>The sparse encoder's stage outputs (finest first) for a masked input; masked positions are exactly 0 at sparse stages.</summary>
    public Tensor[] EncodeSparse(Tensor image, Tensor visibleMask)
    {
        using var scope = NewDisposeScope();
        using var sparse = new SparseContext(visibleMask, image, architecture.Config);
        var skips = EncodeSparse(image, sparse);
        scope.MoveToOuter(skips);
        return skips;
    }

    private Tensor[] EncodeSparse(Tensor image, SparseContext sparse)
    {
        var full = sparse.For(image)
                   ?? throw new ArgumentException("The input is smaller than the mask grid; every block would be visible.");
        using var masked = image * full.Visible;
        return architecture.Encoder.Run(masked, sparse);
    }

    private Tensor[] Densify(Tensor[] skips, SparseContext sparse)
    {
        var dense = new Tensor[skips.Length];
        for (int i = 0; i < skips.Length; i++)
        {
            var f = skips[i];
            var mask = sparse.For(f);
            if (mask is null)
            {
                // A resolution coarser than the mask grid is all visible: plain non-affine IN, token unused (in fp32 for a
                // bf16 network, as every norm here: see ComputePrecision).
                var dtype = f.dtype;
                f = ComputePrecision.To(functional.instance_norm(ComputePrecision.To(f, ComputePrecision.Accumulation(dtype)), eps: options.DensifyNormEps), dtype);
            }
            else
            {
                f = MaskedInstanceNorm.Apply(f, mask.Visible, mask.VisibleCount, null, null, options.DensifyNormEps);
                f = torch.where(mask.VisibleBool, f, maskTokens![i]);
            }
            var proj = densifyProjs![i];
            dense[i] = proj is Conv3d conv ? Conv3dPrecision.Forward(conv, f) : proj.forward(f);
        }
        return dense;
    }
}
