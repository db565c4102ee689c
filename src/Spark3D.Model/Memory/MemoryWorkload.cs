using Spark3D.Data.Volumes;
using Spark3D.Model.Training;

namespace Spark3D.Model.Memory;

/// <summary>Which command's memory is estimated.</summary>
public enum MemoryTask
{
    /// <summary><c>spark3d pretrain</c>: SparK MAE training.</summary>
    Pretrain,
    /// <summary><c>spark3d finetune</c>: segmentation training.</summary>
    Finetune,
    /// <summary><c>spark3d predict</c>: sliding-window inference (no gradients, batch 1).</summary>
    Predict,
}

/// <summary>
/// What is about to run, enough to estimate its peak memory without building anything.
/// </summary>
/// <param name="Task">pretrain, finetune or predict.</param>
/// <param name="Preset">Network preset (tiny, small, resenc-l).</param>
/// <param name="Patch">Training patch, or predict's sliding window.</param>
/// <param name="Batch">Patches per batch (1 for predict).</param>
/// <param name="Parameters">Parameter count of the network that trains (the MAE with its SparK extras for pretrain).</param>
/// <param name="Bf16">bf16 compute (spark3d.model.device.bf16).</param>
/// <param name="Cuda">On a GPU: the parameters and activations go to GPU memory.</param>
/// <param name="Optimizer">SGD keeps one state tensor per parameter, AdamW two.</param>
/// <param name="Classes">Output classes (predict's whole-volume logits).</param>
/// <param name="VolumeVoxels">predict: voxels of the largest preprocessed input volume; 0 otherwise.</param>
/// <param name="InputChannels">Input channels C (nnU-Net's CASE_000C files): predict holds every channel of the volume
/// before and after preprocessing and in the padded input, so its whole-volume buffers grow with C.</param>
public sealed record MemoryWorkload(
    MemoryTask Task,
    string Preset,
    Shape3 Patch,
    int Batch,
    long Parameters,
    bool Bf16 = false,
    bool Cuda = false,
    OptimizerKind Optimizer = OptimizerKind.Sgd,
    int Classes = 1,
    long VolumeVoxels = 0,
    int InputChannels = 1)
{
    /// <summary>Input voxels per step: patch voxels × batch.</summary>
    public long VoxelsPerStep => Patch.Count * Batch;

    /// <summary>"resenc-l, patch 160×160×160, batch 2, fp32 on cpu".</summary>
    public string Describe() =>
        $"{Preset}, patch {Patch}, batch {Batch}, {(Bf16 ? "bf16" : "fp32")} on {(Cuda ? "cuda" : "cpu")}";
}
