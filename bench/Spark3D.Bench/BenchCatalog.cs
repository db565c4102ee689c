namespace Spark3D.Bench;

/// <summary>Named benchmarks. Each lives in its own file and reports side-by-side numbers.</summary>
internal static class BenchCatalog
{
    public static Dictionary<string, Func<string[], int>> All() => new()
    {
        ["resample"] = ResampleBench.Run,
        ["nifti-decode"] = NiftiDecodeBench.Run,
        ["preprocess-e2e"] = PreprocessE2EBench.Run,
        ["cache-crop"] = CacheCropBench.Run,
        ["cache-dtype"] = CacheDtypeBench.Run,
        ["train-step"] = TrainStepBench.Run,
        ["cluster-scaling"] = ClusterScalingBench.Run,
        ["pipeline-throughput"] = PipelineThroughputBench.Run,
        ["pipeline-rss"] = PipelineRssBench.Run,
        ["journal-fsync"] = JournalFsyncBench.Run,
        ["batch-tensors"] = BatchTensorsBench.Run,
    };
}
