using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Spark3D.Data.Sampling;
using Spark3D.Data.Volumes;
using Spark3D.Training.Engines;
using Spark3D.Training.Ports;
using TorchSharp;

namespace Spark3D.Bench;

/// <summary>
/// `batch-tensors [--patch 160] [--batch 2] [--calls 10] [--rounds 5]`: what turning a batch of patches into the
/// network's input tensor (<see cref="BatchTensors.Create"/>, run on the trainer's thread before every step) costs, per
/// call: milliseconds and minor page faults, median over rounds. Each round makes fresh patches (as the pipeline
/// delivers them), then times <c>--calls</c> calls.
/// </summary>
internal static partial class BatchTensorsBench
{
    public static int Run(string[] args)
    {
        int size = BenchArgs.Int(args, "--patch", 160), batch = BenchArgs.Int(args, "--batch", 2);
        int calls = BenchArgs.Int(args, "--calls", 10), rounds = BenchArgs.Int(args, "--rounds", 5);
        Console.WriteLine("batch-tensors: " + BenchEnvironment.Describe());
        var shape = new Shape3(size, size, size);
        var grid = new Shape3(size / 16, size / 16, size / 16);
        var mask = new BatchMask(new bool[batch * (int)grid.Count], grid, 0.75);
        var rng = new Random(1);
        Patch Fresh()
        {
            var v = VoxelArrays.Allocate(shape.Count);
            for (int i = 0; i < v.Length; i++) v[i] = (float)rng.NextDouble();
            return new Patch(v, shape);
        }
        var ms = new List<double>();
        var faults = new List<double>();
        for (int r = 0; r < rounds; r++)
        {
            var batches = Enumerable.Range(0, calls).Select(_ => new TrainingBatch(Enumerable.Range(0, batch).Select(_ => Fresh()).ToArray(), mask)).ToList();
            long f0 = MinorFaults();
            var sw = Stopwatch.StartNew();
            foreach (var b in batches)
            {
                using var scope = torch.NewDisposeScope();
                _ = BatchTensors.Create(b, torch.CPU);
            }
            ms.Add(sw.Elapsed.TotalMilliseconds / calls);
            faults.Add((MinorFaults() - f0) / (double)calls);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  round {r + 1}: {ms[^1]:F1} ms, {faults[^1]:F0} minor faults per call"));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"BatchTensors.Create {batch}×{size}³: median {Median.Of(ms):F1} ms, {Median.Of(faults):F0} minor faults per call ({rounds} rounds × {calls} calls)"));
        return 0;
    }

    /// <summary>This process's minor page faults so far (getrusage: ru_minflt).</summary>
    private static long MinorFaults()
    {
        Span<long> usage = stackalloc long[18];
        return GetRusage(0, ref MemoryMarshal.GetReference(usage)) == 0 ? usage[8] : 0;
    }

    [LibraryImport("libc", EntryPoint = "getrusage")]
    private static partial int GetRusage(int who, ref long usage);
}
