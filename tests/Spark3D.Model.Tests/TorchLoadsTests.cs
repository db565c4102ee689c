using static TorchSharp.torch;

namespace Spark3D.Model.Tests;

public class TorchLoadsTests
{
    [Fact]
    public void Libtorch_2_10_loads_and_runs_a_conv3d()
    {
        Assert.StartsWith("2.10", TorchSharp.torch.__version__);
        using var conv = TorchSharp.torch.nn.Conv3d(1, 4, 3, padding: 1);
        using var x = ones(new long[] { 1, 1, 8, 8, 8 });
        using var y = conv.forward(x);
        Assert.Equal(new long[] { 1, 4, 8, 8, 8 }, y.shape);
        Assert.True(y.isfinite().all().item<bool>());
    }
}
