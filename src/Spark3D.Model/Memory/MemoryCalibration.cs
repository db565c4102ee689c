namespace Spark3D.Model.Memory;

/// <summary>
/// The fitted constants of the peak-memory model. Measured: peak RSS (VmHWM) of real `spark3d pretrain|finetune|predict`
/// runs (2 steps, jemalloc, CPU, AMD EPYC Zen 4; scripts/memory-calibration.sh) for tiny, small and resenc-l at
/// 32³–96³ patches and batch 1–2, fitted per task and dtype by least squares (scripts/memory-calibration-fit.py) to
/// <c>peak = fixed + bytes/parameter × parameters + bytes/voxel(preset) × patch voxels × batch</c>; largest misfit
/// 8 % for resenc-l, 17 % for tiny, where noise of ~50 MiB dominates. The table and method are in docs/memory.md. Rerun
/// both scripts after changing the network, the trainer or the checkpoint code.
/// </summary>
public static class MemoryCalibration
{
    private const long MiB = 1L << 20;

    /// <summary>Runtime, libtorch, the actor pipeline and its buffers: the fit's intercept.</summary>
    public static long FixedBytes(MemoryTask task, bool bf16) => (task, bf16) switch
    {
        (MemoryTask.Pretrain, false) => 353 * MiB,
        (MemoryTask.Pretrain, true) => 289 * MiB,
        (MemoryTask.Finetune, false) => 312 * MiB,
        (MemoryTask.Finetune, true) => 284 * MiB,
        (MemoryTask.Predict, false) => 363 * MiB,
        _ => 301 * MiB,
    };

    /// <summary>
    /// Bytes per parameter with SGD: weights, gradients, momentum, the optimiser step's temporaries and the checkpoint's
    /// serialisation buffers (26 B of it, see <see cref="HostBytesPerParameterOnCuda"/>); bf16 adds the bf16 compute
    /// copy and its gradients. predict: the weights and the checkpoint being read.
    /// </summary>
    public static double BytesPerParameter(MemoryTask task, bool bf16) => (task, bf16) switch
    {
        (MemoryTask.Pretrain, false) => 44.1,
        (MemoryTask.Pretrain, true) => 50.4,
        (MemoryTask.Finetune, false) => 45.6,
        (MemoryTask.Finetune, true) => 54.0,
        (MemoryTask.Predict, false) => 11.6,
        _ => 14.5,
    };

    /// <summary>AdamW keeps a second state tensor per parameter (on the device and in the checkpoint): not calibrated, counted.</summary>
    public const double AdamWExtraBytesPerParameter = 8;

    /// <summary>Of <see cref="BytesPerParameter"/>, what stays in host memory when training on CUDA: the checkpoint
    /// buffers (model and optimiser state held as byte arrays while saving; measured by phase on resenc-l: +2.7 GiB for
    /// 110 M parameters). predict: the checkpoint read.</summary>
    public static double HostBytesPerParameterOnCuda(MemoryTask task) => task == MemoryTask.Predict ? 8 : 26;

    /// <summary>Activation bytes per input voxel per sample (training: what backward keeps; predict: the largest live
    /// maps of one window, no gradients). On CUDA the CPU fp32 figures are used: for resenc-l 128³–160³ × 2 they matched
    /// PyTorch's reserved GPU memory on an H200 within 3 %; bf16 on CUDA is <see cref="CudaBf16ActivationRatio"/> of them
    /// (on CPU, oneDNN's reorders and the fp32 norm statistics leave bf16 only 5–35 % below fp32).</summary>
    public static double ActivationBytesPerVoxel(string preset, MemoryTask task, bool bf16, bool cuda = false)
    {
        ArgumentNullException.ThrowIfNull(preset);
        bool cpuBf16 = bf16 && !cuda;
        double bytes = (preset.ToLowerInvariant(), task, cpuBf16) switch
        {
            ("tiny", MemoryTask.Pretrain, false) => 1020,
            ("small", MemoryTask.Pretrain, false) => 1700,
            ("resenc-l", MemoryTask.Pretrain, false) => 3961,
            ("tiny", MemoryTask.Pretrain, true) => 963,
            ("small", MemoryTask.Pretrain, true) => 1495,
            ("resenc-l", MemoryTask.Pretrain, true) => 3252,
            ("tiny", MemoryTask.Finetune, false) => 849,
            ("small", MemoryTask.Finetune, false) => 1339,
            ("resenc-l", MemoryTask.Finetune, false) => 2408,
            ("tiny", MemoryTask.Finetune, true) => 660,
            ("small", MemoryTask.Finetune, true) => 933,
            ("resenc-l", MemoryTask.Finetune, true) => 1511,
            ("tiny", MemoryTask.Predict, false) => 113,
            ("small", MemoryTask.Predict, false) => 213,
            ("resenc-l", MemoryTask.Predict, false) => 1192,
            ("tiny", MemoryTask.Predict, true) => 38,
            ("small", MemoryTask.Predict, true) => 148,
            ("resenc-l", MemoryTask.Predict, true) => 294,
            _ => throw new ArgumentException($"no memory calibration for preset '{preset}'"),
        };
        return cuda && bf16 ? bytes * CudaBf16ActivationRatio : bytes;
    }

    /// <summary>bf16 ÷ fp32 activation memory on CUDA with this project's scheme (fp32 norms and masters). Measured on an
    /// H200 with Spark3D.NET itself (resenc-l 160³ × 2, nvidia-smi per process): 26 186 vs 34 548 MiB; 0.75 makes the
    /// estimate cover that 25.6 GiB (an earlier all-bf16 PyTorch twin gave 0.52 and left the estimate 25 % short).</summary>
    public const double CudaBf16ActivationRatio = 0.75;

    /// <summary>CUDA context, cuDNN/cuBLAS handles and the caching allocator's slack beyond the activations: an allowance.</summary>
    public const long CudaContextBytes = 1024 * MiB;

    /// <summary>predict's whole-volume buffers per voxel of the preprocessed input: per input channel the volume before
    /// and after preprocessing and the padded input; the logits and the Gaussian weight sum, the argmax and the label map
    /// (the calibration runs had one channel: 4 × (2·classes + 6)).</summary>
    public static double PredictBytesPerVolumeVoxel(int classes, int channels = 1)
    {
        if (channels < 1) throw new ArgumentOutOfRangeException(nameof(channels), $"input channels must be >= 1, got {channels}.");
        return 4.0 * (2 * classes + 3 + 3 * channels);
    }
}
