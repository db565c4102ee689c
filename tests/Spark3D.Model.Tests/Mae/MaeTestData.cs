using TorchSharp;
using static TorchSharp.torch;

namespace Spark3D.Model.Tests.Mae;

/// <summary>Synthetic inputs for MAE tests: exact-count block masks and z-scored blob phantoms.</summary>
internal static class MaeTestData
{
    /// <summary>B×1×g×g×g mask with exactly floor(ratio·g³) cells masked (0) per sample.</summary>
    public static Tensor BlockMask(int batch, int grid, double ratio, Generator gen)
    {
        int cells = grid * grid * grid;
        int masked = (int)(ratio * cells);
        var mask = torch.ones([batch, cells]);
        for (int b = 0; b < batch; b++)
        {
            using var perm = torch.randperm(cells, generator: gen);
            using var idx = perm.narrow(0, 0, masked);
            using var row = mask[b];
            row.index_fill_(0, idx, 0.0);
        }
        return mask.view(batch, 1, grid, grid, grid);
    }

    /// <summary>B×1×n³ phantoms: a few Gaussian blobs of random size and brightness plus noise, z-scored per sample.</summary>
    public static Tensor Phantoms(int batch, int n, Generator gen)
    {
        using var scope = NewDisposeScope();
        var axis = torch.linspace(0, 1, n);
        var z = axis.view(n, 1, 1); var y = axis.view(1, n, 1); var x = axis.view(1, 1, n);
        var samples = new List<Tensor>();
        for (int b = 0; b < batch; b++)
        {
            var img = torch.zeros([n, n, n]);
            for (int k = 0; k < 4; k++)
            {
                var p = torch.rand([5], generator: gen);
                double cz = 0.2 + 0.6 * p[0].item<float>(), cy = 0.2 + 0.6 * p[1].item<float>(), cx = 0.2 + 0.6 * p[2].item<float>();
                double r = 0.08 + 0.15 * p[3].item<float>(), amp = 0.5 + p[4].item<float>();
                var d2 = (z - cz).square() + (y - cy).square() + (x - cx).square();
                img = img + amp * torch.exp(-d2 / (2 * r * r));
            }
            img = img + 0.05 * torch.randn([n, n, n], generator: gen);
            samples.Add((img - img.mean()) / img.std());
        }
        return scope.MoveToOuter(torch.stack(samples).unsqueeze(1));
    }
}
