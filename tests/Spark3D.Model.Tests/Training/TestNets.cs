using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Spark3D.Model.Tests.Training;

/// <summary>
/// A small stand-in segmentation-like network for training-infrastructure tests, named like the reference
/// (`encoder.stem…`, `encoder.stages…`, `decoder.stages…`, `decoder.seg_layers…`).
/// Conv3d-InstanceNorm-LeakyReLU-Conv3d, about 2.6 k parameters.
/// </summary>
internal sealed class TinyTestEncoder : nn.Module<Tensor, Tensor>
{
    private readonly Sequential stem;
    private readonly Sequential stages;

    public TinyTestEncoder(int inChannels, int width) : base("encoder")
    {
        stem = nn.Sequential(("conv", nn.Conv3d(inChannels, width, 3, padding: 1)), ("norm", nn.InstanceNorm3d(width, affine: true)), ("act", nn.LeakyReLU(0.01)));
        stages = nn.Sequential(("0", nn.Sequential(("conv", nn.Conv3d(width, width, 3, padding: 1)), ("norm", nn.InstanceNorm3d(width, affine: true)), ("act", nn.LeakyReLU(0.01)))));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => stages.forward(stem.forward(x));
}

internal sealed class TinyTestDecoder : nn.Module<Tensor, Tensor>
{
    private readonly Sequential stages;
    private readonly Conv3d seg_layers;

    public TinyTestDecoder(int width, int outChannels) : base("decoder")
    {
        stages = nn.Sequential(("0", nn.Conv3d(width, width, 3, padding: 1)), ("1", nn.LeakyReLU(0.01)));
        seg_layers = nn.Conv3d(width, outChannels, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => seg_layers.forward(stages.forward(x));
}

internal sealed class TinyTestNet : nn.Module<Tensor, Tensor>
{
    private readonly TinyTestEncoder encoder;
    private readonly TinyTestDecoder decoder;

    public TinyTestNet(int inChannels = 1, int width = 8, int outChannels = 1) : base(nameof(TinyTestNet))
    {
        encoder = new TinyTestEncoder(inChannels, width);
        decoder = new TinyTestDecoder(width, outChannels);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => decoder.forward(encoder.forward(x));
}

internal static class TestNets
{
    /// <summary>A TinyTestNet with weights drawn from a private generator (independent of torch's global RNG).</summary>
    public static TinyTestNet Create(long seed, int inChannels = 1, int width = 8, int outChannels = 1)
    {
        var net = new TinyTestNet(inChannels, width, outChannels);
        using var g = new Generator((ulong)seed, CPU);
        using (no_grad())
        {
            foreach (var (_, p) in net.named_parameters())
            {
                using var r = randn(p.shape, generator: g).mul_(0.2);
                p.copy_(r);
            }
        }
        return net;
    }

    /// <summary>Sum of all parameter values as double, a quick fingerprint.</summary>
    public static double[] Flatten(nn.Module m) =>
        m.parameters().SelectMany(p => p.detach().cpu().to_type(ScalarType.Float32).data<float>().ToArray().Select(v => (double)v)).ToArray();

    /// <summary>Same shape and element-wise equal values.</summary>
    public static bool Same(Tensor a, Tensor b)
    {
        if (!a.shape.SequenceEqual(b.shape)) return false;
        using var eq = a.eq(b);
        using var all = eq.all();
        return all.item<bool>();
    }

    /// <summary>Bitwise equality of all parameters and buffers of two same-architecture modules.</summary>
    public static bool BitEqual(nn.Module a, nn.Module b)
    {
        var sa = a.state_dict();
        var sb = b.state_dict();
        if (sa.Count != sb.Count) return false;
        foreach (var (k, ta) in sa)
        {
            if (!sb.TryGetValue(k, out var tb)) return false;
            if (!ta.shape.SequenceEqual(tb.shape)) return false;
            var xa = ta.contiguous().cpu().to_type(ScalarType.Float32).data<float>().ToArray();
            var xb = tb.contiguous().cpu().to_type(ScalarType.Float32).data<float>().ToArray();
            for (var i = 0; i < xa.Length; i++)
                if (BitConverter.SingleToInt32Bits(xa[i]) != BitConverter.SingleToInt32Bits(xb[i])) return false;
        }
        return true;
    }
}
