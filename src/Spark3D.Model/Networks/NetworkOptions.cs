using TorchSharp;

namespace Spark3D.Model.Networks;

/// <summary>How weights of a freshly built network are initialised.</summary>
public enum NetworkInit
{
    /// <summary>PyTorch's layer defaults (Conv: kaiming-uniform a=√5; IN: γ=1, β=0), as nnssl pretraining.</summary>
    PyTorchDefault,

    /// <summary>nnU-Net fine-tuning init (<see cref="ResidualEncoderUNet.InitializeHe"/>).</summary>
    He,
}

/// <summary>Network options (HOCON <c>spark3d.model</c>): which preset, its in/out channels and init. Deep supervision is
/// not a property of the network (it always has a head per decoder stage) but of fine-tuning's loss
/// (spark3d.finetune.deep-supervision).</summary>
public sealed record NetworkOptions(
    string Preset = "resenc-l",
    int InputChannels = 1,
    int NumClasses = 1,
    NetworkInit Init = NetworkInit.PyTorchDefault)
{
    /// <summary>The network shape these options describe.</summary>
    public UNetConfig ToConfig() => NetworkPresets.Get(Preset, InputChannels, NumClasses);

    /// <summary>Builds and initialises the network on <paramref name="device"/> (CPU when null).</summary>
    public ResidualEncoderUNet Build(torch.Device? device = null)
    {
        var net = new ResidualEncoderUNet(ToConfig(), device);
        if (Init == NetworkInit.He) net.InitializeHe();
        return net;
    }
}
