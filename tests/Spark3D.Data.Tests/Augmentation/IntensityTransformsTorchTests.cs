using System.Diagnostics;
using Spark3D.Data.Augmentation;
using Spark3D.Data.Volumes;

namespace Spark3D.Data.Tests.Augmentation;

/// <summary>Low resolution and blur against PyTorch (Debian's torch 1.13): interpolate('nearest-exact') + trilinear
/// (align_corners=False), and batchgeneratorsv2's blur (its kernel rule, reflect padding, conv3d per axis).</summary>
public class IntensityTransformsTorchTests
{
    [Fact]
    public void Low_resolution_and_blur_match_torch()
    {
        var s = new Shape3(13, 11, 9); // odd sizes: rounding and edge handling matter
        var rng = new Random(2);
        var v = Enumerable.Range(0, (int)s.Count).Select(_ => (float)rng.NextDouble()).ToArray();
        string dir = Directory.CreateTempSubdirectory("s3d-torchaug-").FullName;
        try
        {
            File.WriteAllBytes(Path.Combine(dir, "in.f32"), System.Runtime.InteropServices.MemoryMarshal.AsBytes(v.AsSpan()).ToArray());
            var low = (float[])v.Clone();
            IntensityTransforms.SimulateLowResolution(low, s, 0.6);
            var blur = (float[])v.Clone();
            IntensityTransforms.GaussianBlur(blur, s, 0.6, 0.8, 1.0);
            string script = """
import sys, numpy as np, torch
from torch.nn.functional import interpolate, pad, conv3d
d = sys.argv[1]
x = torch.from_numpy(np.fromfile(d + '/in.f32', dtype=np.float32).reshape(9, 11, 13))[None, None]
shape = (9, 11, 13)
low = interpolate(interpolate(x, [round(i * 0.6) for i in shape], mode='nearest-exact'), shape, mode='trilinear')
def odd(n):
    r = round(n)
    return r if r % 2 == 1 else (r + 1 if n - r >= 0 else r - 1)
def kernel(sigma):
    k = odd(sigma * 6 + 0.5); h = (k - 1) * 0.5
    t = torch.linspace(-h, h, steps=k); p = torch.exp(-0.5 * (t / sigma) ** 2); return p / p.sum()
b = x
for dim, sigma in ((2, 0.6), (1, 0.8), (0, 1.0)):   # spatial dim 0, 1, 2 = z, y, x: sigma x=0.6, y=0.8, z=1.0
    k = kernel(sigma); n = k.shape[0] // 2
    shp = [1, 1, 1, 1, 1]; shp[2 + dim] = k.shape[0]
    pads = [0, 0, 0, 0, 0, 0]; pads[2 * (2 - dim)] = n; pads[2 * (2 - dim) + 1] = n
    b = conv3d(pad(b, pads, mode='reflect'), k.view(shp))
low.numpy().astype(np.float32).tofile(d + '/low.f32'); b.numpy().astype(np.float32).tofile(d + '/blur.f32')
""";
            var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardError = true };
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add(script);
            psi.ArgumentList.Add(dir);
            using (var p = Process.Start(psi)!)
            {
                string err = p.StandardError.ReadToEnd();
                p.WaitForExit();
                Assert.True(p.ExitCode == 0, "python/torch failed: " + err);
            }
            float[] Read(string name) => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(Path.Combine(dir, name))).ToArray();
            Assert.Equal(Read("low.f32"), low, (a, b) => Math.Abs(a - b) < 1e-5f);
            Assert.Equal(Read("blur.f32"), blur, (a, b) => Math.Abs(a - b) < 1e-5f);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
