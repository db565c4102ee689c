namespace Spark3D.Model.Memory;

/// <summary>Peak memory of a <see cref="MemoryWorkload"/> from the <see cref="MemoryCalibration"/> model; allocates nothing.</summary>
public static class MemoryEstimator
{
    /// <summary>Host (and on CUDA, GPU) peak of <paramref name="w"/>.</summary>
    public static MemoryEstimate Estimate(MemoryWorkload w)
    {
        ArgumentNullException.ThrowIfNull(w);
        if (w.Batch < 1) throw new ArgumentOutOfRangeException(nameof(w), $"batch must be >= 1, got {w.Batch}.");
        double perParameter = MemoryCalibration.BytesPerParameter(w.Task, w.Bf16)
                              + (w.Task != MemoryTask.Predict && w.Optimizer == Training.OptimizerKind.AdamW ? MemoryCalibration.AdamWExtraBytesPerParameter : 0);
        long parameters = (long)(perParameter * w.Parameters);
        long activations = (long)(MemoryCalibration.ActivationBytesPerVoxel(w.Preset, w.Task, w.Bf16, w.Cuda) * w.VoxelsPerStep);
        long volume = w.Task == MemoryTask.Predict ? (long)(MemoryCalibration.PredictBytesPerVolumeVoxel(w.Classes, w.InputChannels) * w.VolumeVoxels) : 0;
        long fixedHost = MemoryCalibration.FixedBytes(w.Task, w.Bf16);
        if (!w.Cuda) return new MemoryEstimate(fixedHost + parameters + activations + volume, null, activations, parameters);

        long hostParameters = (long)(MemoryCalibration.HostBytesPerParameterOnCuda(w.Task) * w.Parameters);
        long gpu = MemoryCalibration.CudaContextBytes + Math.Max(0, parameters - hostParameters) + activations + volume / 2;
        return new MemoryEstimate(fixedHost + hostParameters + volume / 2, gpu, activations, parameters);
    }
}
