using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Spark3D.Model.Losses;
using Spark3D.Model.Devices;
using Spark3D.Model.Mae;
using Spark3D.Model.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Spark3D.Bench;

/// <summary>
/// `train-step`: one SparK MAE training step (forward, masked MSE, backward, clip 12, SGD Nesterov 0.99), ours vs the
/// PyTorch twin (bench/python/train_step.py), same preset / patch / batch / threads / device / dtype, each in its own child
/// process (so peak RSS = that run's VmHWM) with jemalloc preloaded when present. Prints median step times and their ratio.
///   train-step [--presets tiny,small] [--patch 64] [--batch 2] [--threads 2] [--steps 5] [--warmup 2] [--rounds 1]
///              [--dtype fp32|bf16] [--torch-dtype fp32|bf16|amp-bf16] [--device cpu|cuda] [--tf32 1|0] [--libtorch-path DIR]
///              [--profile N]
/// --profile N adds N steps after the timed ones that synchronise after each phase (forward+loss, backward, gradient
/// copy to the fp32 masters, clip, optimiser, copy back) and reports each phase's median: where a step's time goes.
/// --dtype bf16 is the product's scheme on both sides (bf16 compute copy, fp32 master weights, fp32 loss; docs/cuda.md);
/// --torch-dtype amp-bf16 runs PyTorch's autocast instead on the PyTorch side only (TorchSharp has none), for reference.
/// Our worker initialises libtorch through TorchRuntime.Initialize, so --libtorch-path can name a CUDA libtorch 2.10.
/// On CUDA both sides synchronise before reading the clock. GPU memory is compared as nvidia-smi sees each process at its
/// end (TorchSharp 0.107 exposes no CUDA memory statistics); PyTorch's max_memory_allocated is printed beside it.
/// </summary>
internal static class TrainStepBench
{
    private const string Jemalloc = "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2";

    public static int Run(string[] args)
    {
        var o = Options.Parse(args);
        return o.Worker ? RunWorker(o) : RunSideBySide(o);
    }

    private static int RunSideBySide(Options o)
    {
        string script = FindScript();
        Console.WriteLine($"train-step: patch {o.Batch}x1x{o.Patch}^3, threads {o.Threads}, {o.Warmup} warm-up + {o.Steps} timed steps, " +
                          $"block {o.Block}, ratio {o.Ratio}, device {o.Device}, dtype ours {o.DType} / torch {o.TorchDType}, " +
                          $"jemalloc {(File.Exists(Jemalloc) ? "preloaded" : "MISSING (apt-get install libjemalloc2)")}");
        Console.WriteLine($"{"preset",-8} {"ours s",9} {"torch s",9} {"ratio",7} {"ours RSS MiB",13} {"torch RSS MiB",14} {"ours GPU MiB",13} {"torch GPU MiB",14} {"torch alloc MiB",16}");
        foreach (string preset in o.Presets)
        {
            for (int round = 0; round < o.Rounds; round++)
            {
                string common = $"--preset {preset} --patch {o.Patch} --batch {o.Batch} --threads {o.Threads} --steps {o.Steps} --warmup {o.Warmup} --profile {o.Profile} --block {o.Block} " +
                                $"--ratio {o.Ratio.ToString(CultureInfo.InvariantCulture)} --device {o.Device} --tf32 {(o.Tf32 ? 1 : 0)}";
                string oursArgs = $"{SelfCommand().prefix}train-step --worker {common} --dtype {o.DType}" + (o.LibTorchPath is { } lt ? $" --libtorch-path \"{lt}\"" : "");
                string torchArgs = $"{script} {common} --dtype {o.TorchDType}";
                // Alternate who goes first so background load does not always hit the same side.
                JsonElement ours, torchRun;
                if (round % 2 == 0) { torchRun = RunChild(o.Python, torchArgs); ours = RunChild(SelfCommand().exe, oursArgs); }
                else { ours = RunChild(SelfCommand().exe, oursArgs); torchRun = RunChild(o.Python, torchArgs); }
                double a = ours.GetProperty("median_s").GetDouble(), b = torchRun.GetProperty("median_s").GetDouble();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{preset,-8} {a,9:F3} {b,9:F3} {a / b,7:F3} {ours.GetProperty("peak_rss_mib").GetDouble(),13:F0} {torchRun.GetProperty("peak_rss_mib").GetDouble(),14:F0} " +
                    $"{ours.GetProperty("gpu_used_mib").GetDouble(),13:F0} {torchRun.GetProperty("gpu_used_mib").GetDouble(),14:F0} {torchRun.GetProperty("peak_gpu_mib").GetDouble(),16:F0}"));
                Console.WriteLine($"         steps ours [{Steps(ours)}] torch [{Steps(torchRun)}]");
                if (o.Profile > 0) Console.WriteLine($"         phases (median of {o.Profile} synchronised steps, s): ours {Phases(ours)} | torch {Phases(torchRun)}");
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"         last loss ours {ours.GetProperty("last_loss").GetDouble():F4} torch {torchRun.GetProperty("last_loss").GetDouble():F4}"));
            }
        }
        if (o.Device == "cuda")
            Console.WriteLine("GPU MiB: the process's GPU memory at the end as nvidia-smi reports it (CUDA context + the caching " +
                              "allocator's reserve, which keeps its peak); torch alloc: torch.cuda.max_memory_allocated.");
        return 0;
    }

    private static string Phases(JsonElement run) =>
        string.Join(" ", run.GetProperty("phases_s").EnumerateObject().Select(p => $"{p.Name} {p.Value.GetDouble().ToString("F3", CultureInfo.InvariantCulture)}"));

    private static string Steps(JsonElement run) =>
        string.Join(", ", run.GetProperty("steps_s").EnumerateArray().Select(v => v.GetDouble().ToString("F2", CultureInfo.InvariantCulture)));

    private static int RunWorker(Options o)
    {
        // Before any other torch call: loads an external libtorch (--libtorch-path), picks the device, sets the threads.
        var runtime = TorchRuntime.Initialize(new DeviceOptions(o.Device == "cuda" ? DeviceMode.Cuda : DeviceMode.Cpu, o.LibTorchPath,
            o.Tf32, Bf16: o.DType == "bf16", o.Threads));
        var device = runtime.Device;
        torch.manual_seed(0);
        using var gen = new Generator(0);
        string preset = o.Presets[0];
        // bf16: the product's scheme (MixedPrecisionNetwork); fp32: master and compute are the same network.
        using var net = MixedPrecisionNetwork<SparkMae>.Create(SparkMae.FromPreset(preset, device: device), runtime.ComputeDType,
            () => SparkMae.FromPreset(preset, device: device));
        using var loss = new MaskedReconstructionLoss();
        using var sgd = optim.SGD(net.Master.parameters(), 1e-2, momentum: 0.99, nesterov: true, weight_decay: 3e-5);
        int grid = o.Patch / o.Block;
        var times = new List<double>();
        var phases = new Dictionary<string, List<double>>();
        double last = double.NaN;
        for (int i = 0; i < o.Warmup + o.Steps + o.Profile; i++)
        {
            using var scope = NewDisposeScope();
            var image = torch.randn([o.Batch, 1, o.Patch, o.Patch, o.Patch], generator: gen).to(device);
            var mask = BlockMask(o.Batch, grid, o.Ratio, gen).to(device);
            if (runtime.IsCuda) torch.cuda.synchronize(device);
            // Profiled steps (after the timed ones) synchronise after each phase: where the time of a step goes.
            bool profiling = i >= o.Warmup + o.Steps;
            var sw = Stopwatch.StartNew();
            double lapStart = 0;
            void Lap(string phase)
            {
                if (!profiling) return;
                if (runtime.IsCuda) torch.cuda.synchronize(device);
                double now = sw.Elapsed.TotalSeconds;
                (phases.TryGetValue(phase, out var list) ? list : phases[phase] = []).Add(now - lapStart);
                lapStart = now;
            }
            sgd.zero_grad();
            net.MasterWeights?.BeginStep();
            var reconstruction = ComputePrecision.To(net.Compute.forward(net.ToCompute(image), mask), ScalarType.Float32);
            var l = loss.forward(reconstruction, image, mask);
            Lap("forward");
            l.backward();
            Lap("backward");
            net.MasterWeights?.GradientsToMaster();
            Lap("grads_to_master");
            nn.utils.clip_grad_norm_(net.Master.parameters(), 12.0);
            Lap("clip");
            sgd.step();
            Lap("optimizer");
            net.MasterWeights?.CopyToCompute();
            Lap("master_to_compute");
            last = l.item<float>();
            if (runtime.IsCuda) torch.cuda.synchronize(device);
            sw.Stop();
            if (i >= o.Warmup && !profiling) times.Add(sw.Elapsed.TotalSeconds);
        }
        var sorted = times.Order().ToList();
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["impl"] = "torchsharp libtorch " + torch.__version__,
            ["preset"] = preset, ["patch"] = o.Patch, ["batch"] = o.Batch, ["threads"] = runtime.Threads,
            ["device"] = o.Device, ["dtype"] = o.DType,
            ["median_s"] = sorted[sorted.Count / 2], ["min_s"] = sorted[0], ["steps_s"] = times,
            ["phases_s"] = phases.ToDictionary(p => p.Key, p => p.Value.Order().ElementAt(p.Value.Count / 2)),
            ["peak_rss_mib"] = VmHwmMib(), ["peak_gpu_mib"] = -1.0,
            ["gpu_used_mib"] = runtime.IsCuda ? GpuMemoryProbe.UsedMib(Environment.ProcessId) : -1.0,
            ["last_loss"] = last,
        }));
        return 0;
    }

    /// <summary>Exact-count block mask, as the Python twin's block_mask.</summary>
    private static Tensor BlockMask(int batch, int grid, double ratio, Generator gen)
    {
        int cells = grid * grid * grid;
        var mask = torch.ones([batch, cells]);
        for (int b = 0; b < batch; b++)
        {
            using var perm = torch.randperm(cells, generator: gen);
            using var idx = perm.narrow(0, 0, (int)(ratio * cells));
            using var row = mask[b];
            row.index_fill_(0, idx, 0.0);
        }
        return mask.view(batch, 1, grid, grid, grid);
    }

    private static JsonElement RunChild(string exe, string arguments)
    {
        var psi = new ProcessStartInfo(exe, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (File.Exists(Jemalloc))
        {
            string pre = Environment.GetEnvironmentVariable("LD_PRELOAD") ?? "";
            if (!pre.Contains("jemalloc", StringComparison.Ordinal)) psi.Environment["LD_PRELOAD"] = pre.Length == 0 ? Jemalloc : Jemalloc + ":" + pre;
            psi.Environment["MALLOC_CONF"] = "dirty_decay_ms:-1,muzzy_decay_ms:-1";
        }
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {exe}.");
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{exe} {arguments} failed ({p.ExitCode}): {stderr.Result}");
        string line = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last(l => l.TrimStart().StartsWith('{'));
        return JsonDocument.Parse(line).RootElement.Clone();
    }

    /// <summary>How to start this bench again: the apphost directly, or `dotnet Spark3D.Bench.dll`.</summary>
    private static (string exe, string prefix) SelfCommand()
    {
        string exe = Environment.ProcessPath ?? "dotnet";
        string dll = typeof(TrainStepBench).Assembly.Location;
        return Path.GetFileNameWithoutExtension(exe) == "dotnet" ? (exe, $"\"{dll}\" ") : (exe, "");
    }

    private static string FindScript()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "bench", "python", "train_step.py");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException("bench/python/train_step.py not found above " + AppContext.BaseDirectory);
    }

    private static double VmHwmMib()
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
        return double.NaN;
    }

    private sealed record Options(bool Worker, string[] Presets, int Patch, int Batch, int Threads, int Steps, int Warmup,
        int Block, double Ratio, int Rounds, string Python, string Device, string DType, string TorchDType, bool Tf32, string? LibTorchPath,
        int Profile)
    {
        public static Options Parse(string[] args)
        {
            var o = new Options(false, ["tiny", "small"], 64, 2, 2, 5, 2, 16, 0.75, 1, "/usr/bin/python3", "cpu", "fp32", "", true, null, 0);
            for (int i = 0; i < args.Length; i++)
            {
                string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
                int NextInt() => int.Parse(Next(), CultureInfo.InvariantCulture);
                o = args[i] switch
                {
                    "--worker" => o with { Worker = true },
                    "--preset" or "--presets" => o with { Presets = Next().Split(',') },
                    "--patch" => o with { Patch = NextInt() },
                    "--batch" => o with { Batch = NextInt() },
                    "--threads" => o with { Threads = NextInt() },
                    "--steps" => o with { Steps = NextInt() },
                    "--warmup" => o with { Warmup = NextInt() },
                    "--block" => o with { Block = NextInt() },
                    "--ratio" => o with { Ratio = double.Parse(Next(), CultureInfo.InvariantCulture) },
                    "--rounds" => o with { Rounds = NextInt() },
                    "--python" => o with { Python = Next() },
                    "--device" => o with { Device = OneOf(Next(), "--device", "cpu", "cuda") },
                    "--dtype" => o with { DType = OneOf(Next(), "--dtype", "fp32", "bf16") },
                    "--torch-dtype" => o with { TorchDType = OneOf(Next(), "--torch-dtype", "fp32", "bf16", "amp-bf16") },
                    "--tf32" => o with { Tf32 = NextInt() != 0 },
                    "--libtorch-path" => o with { LibTorchPath = Next() },
                    "--profile" => o with { Profile = NextInt() },
                    _ => throw new ArgumentException($"Unknown train-step option '{args[i]}'."),
                };
            }
            return o.TorchDType.Length == 0 ? o with { TorchDType = o.DType } : o;
        }

        private static string OneOf(string value, string option, params string[] allowed) =>
            allowed.Contains(value) ? value : throw new ArgumentException($"{option} must be one of {string.Join(", ", allowed)}, got '{value}'.");
    }
}
