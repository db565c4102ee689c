using System.Diagnostics;
using System.Globalization;
using System.Text;
using Spark3D.Data.Cache;
using Spark3D.Data.Phantoms;
using Spark3D.Data.Sampling;
using Spark3D.Data.Volumes;

namespace Spark3D.Bench;

/// <summary>
/// "cache-crop": random 160³ and 64³ crops per second from a cached 256³ volume, per chunk size / dtype / codec,
/// against decoding the whole volume first; plus numpy's memmap crop of the same voxels as the Python-side reference.
/// Usage: cache-crop [--size 256] [--crops160 12] [--crops64 150] [--dir /tmp/x]
/// </summary>
internal static class CacheCropBench
{
    public static int Run(string[] args)
    {
        int size = BenchArgs.Int(args, "--size", 256), n160 = BenchArgs.Int(args, "--crops160", 12), n64 = BenchArgs.Int(args, "--crops64", 150);
        string dir = BenchArgs.String(args, "--dir", Path.Combine(Path.GetTempPath(), "spark3d-cache-crop-" + Environment.ProcessId));
        Directory.CreateDirectory(dir);
        try
        {
            var vol = MakeVolume(size);
            Console.WriteLine($"volume {vol.Shape} float32 = {vol.Shape.Count * 4 / 1e6:f1} MB (z-scored phantom); cores {Environment.ProcessorCount}; single-threaded reads");
            Console.WriteLine();
            Console.WriteLine("| chunk | dtype | codec | file MB | write s | 160³ crops/s | 160³ crops/s no-verify | 64³ crops/s | whole decode ms | decode-all+crop 160³/s |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
            var f32 = CacheDType.Float32;
            var f16 = CacheDType.Float16;
            foreach (var o in new ChunkedVolumeOptions[]
            {
                new(32, f32, ChunkCodec.None), new(32, f32, ChunkCodec.Lz4), new(32, f32, ChunkCodec.Lz4, Shuffle: false),
                new(32, f32, ChunkCodec.Zstd), new(32, f32, ChunkCodec.Zstd, Shuffle: false),
                new(32, f16, ChunkCodec.None), new(32, f16, ChunkCodec.Lz4), new(32, f16, ChunkCodec.Zstd),
                new(64, f32, ChunkCodec.None), new(64, f32, ChunkCodec.Lz4), new(64, f32, ChunkCodec.Zstd), new(64, f16, ChunkCodec.Lz4),
            })
                Measure(dir, vol, o, n160, n64);
            var mem = new VolumeCropSource(vol);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| in-memory Volume (C#, upper bound) | float32 | - | - | - | {CropsPerSecond(mem, new Shape3(160, 160, 160), n160, 1):f1} | - | {CropsPerSecond(mem, new Shape3(64, 64, 64), n64, 2):f0} | - | - |"));
            PythonReference(dir, vol, n160, n64);
            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static void Measure(string dir, Volume vol, ChunkedVolumeOptions o, int n160, int n64)
    {
        string path = Path.Combine(dir, $"v-{o.ChunkSize}-{o.DType}-{o.Codec}-{o.Shuffle}.s3d");
        var sw = Stopwatch.StartNew();
        ChunkedVolumeWriter.Write(path, vol, o);
        double writeS = sw.Elapsed.TotalSeconds;
        using var f = ChunkedVolumeFile.Open(path);
        double crops160 = CropsPerSecond(f, new Shape3(160, 160, 160), n160, seed: 1);
        double crops64 = CropsPerSecond(f, new Shape3(64, 64, 64), n64, seed: 2);
        double noVerify;
        using (var unverified = ChunkedVolumeFile.Open(path, verifyChunks: false))
            noVerify = CropsPerSecond(unverified, new Shape3(160, 160, 160), n160, seed: 1);
        f.ReadAll(); // warm
        sw.Restart();
        const int wholeReps = 3;
        for (int i = 0; i < wholeReps; i++) f.ReadAll();
        double wholeMs = sw.Elapsed.TotalMilliseconds / wholeReps;
        double memCropMs = 1000 / CropsPerSecond(new VolumeCropSource(vol), new Shape3(160, 160, 160), n160, seed: 1);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {o.ChunkSize}³ | {o.DType.ToString().ToLowerInvariant()} | {Codec(o)} | {f.FileLength / 1e6:f1} | {writeS:f2} | {crops160:f1} | {noVerify:f1} | {crops64:f0} | {wholeMs:f0} | {1000 / (wholeMs + memCropMs):f1} |"));
    }

    private static string Codec(ChunkedVolumeOptions o) =>
        o.Codec.ToString().ToLowerInvariant() + (o.Codec != ChunkCodec.None && o.Shuffle ? "+shuffle" : "");

    private static double CropsPerSecond(IVolumeCropSource src, Shape3 patch, int count, int seed)
    {
        var sampler = new RandomPatchSampler(patch);
        var buffer = new float[patch.Count];
        var rng = new Random(seed);
        var o = sampler.SampleOrigin(src.Shape, rng);
        src.ReadCrop(o.X, o.Y, o.Z, patch, buffer); // warm-up
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < count; i++)
        {
            o = sampler.SampleOrigin(src.Shape, rng);
            src.ReadCrop(o.X, o.Y, o.Z, patch, buffer);
        }
        return count / sw.Elapsed.TotalSeconds;
    }

    /// <summary>A 1 mm, 256³ phantom, z-scored over the head like the preprocessed cache content.</summary>
    private static Volume MakeVolume(int size)
    {
        var gen = new BrainPhantomGenerator(new PhantomOptions
        {
            FieldOfViewMm = size, MinSpacingMm = 1, MaxSpacingMm = 1, MaxVoxels = (long)size * size * size,
            HeadLengthMinMm = Math.Min(180, size * 0.7), HeadLengthMaxMm = Math.Min(180, size * 0.7), RandomOrientation = false,
        });
        var img = gen.Generate(0).Image;
        var fg = img.Voxels.Where(v => v > 100).Select(v => (double)v).ToArray();
        double mean = fg.Average(), std = Math.Sqrt(fg.Average(v => (v - mean) * (v - mean)));
        return img.WithVoxels(img.Voxels.Select(v => (float)((v - mean) / std)).ToArray());
    }

    /// <summary>numpy memmap crop of an uncompressed .npy (what a plain Python loader would do), if Debian's numpy is there.</summary>
    private static void PythonReference(string dir, Volume vol, int n160, int n64)
    {
        const string python = "/usr/bin/python3";
        if (!File.Exists(python)) { Console.WriteLine("\n(no /usr/bin/python3: numpy reference skipped)"); return; }
        string npy = Path.Combine(dir, "v.npy");
        WriteNpy(npy, vol);
        string script = $$"""
import numpy as np, time
a = np.load('{{npy}}', mmap_mode='r'); rng = np.random.default_rng(1)
def rate(p, n):
    Z, Y, X = a.shape
    for i in range(n + 1):
        if i == 1: t = time.perf_counter()
        z, y, x = (int(rng.integers(0, s - p + 1)) for s in (Z, Y, X))
        b = np.ascontiguousarray(a[z:z+p, y:y+p, x:x+p])
    return n / (time.perf_counter() - t)
t = time.perf_counter(); np.load('{{npy}}'); whole = (time.perf_counter() - t) * 1000
print(f"| numpy memmap .npy (python) | float32 | none | {a.nbytes/1e6:.1f} | - | {rate(160, {{n160}}):.1f} | - | {rate(64, {{n64}}):.0f} | {whole:.0f} (np.load) | - |")
""";
        var psi = new ProcessStartInfo(python) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        p.StandardInput.Write(script);
        p.StandardInput.Close();
        string output = p.StandardOutput.ReadToEnd(), error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Console.WriteLine(p.ExitCode == 0 ? output.TrimEnd() : "\n(numpy reference failed: " + error.Trim() + ")");
    }

    private static void WriteNpy(string path, Volume v)
    {
        string dict = $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({v.Shape.Z}, {v.Shape.Y}, {v.Shape.X}), }}";
        int headerLen = dict.Length + 1;
        int pad = (64 - (10 + headerLen) % 64) % 64;
        using var fs = File.Create(path);
        fs.Write(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 });
        int total = headerLen + pad;
        fs.Write(new[] { (byte)(total & 0xFF), (byte)(total >> 8) });
        fs.Write(Encoding.ASCII.GetBytes(dict + new string(' ', pad) + "\n"));
        fs.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(v.Voxels.AsSpan()));
    }
}
