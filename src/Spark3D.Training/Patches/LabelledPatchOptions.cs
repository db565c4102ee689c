using Spark3D.Data.Preprocessing;
using Spark3D.Data.Volumes;

namespace Spark3D.Training.Patches;

/// <summary>How <see cref="LabelledPatchProducer"/> turns a labelled case into training patches.</summary>
/// <param name="Preprocess">The image preprocessing (as in pre-training); label maps follow it with nearest-neighbour sampling.</param>
/// <param name="PatchSize">Patch edge lengths (X, Y, Z) in voxels.</param>
/// <param name="ForegroundProbability">Chance that a patch is centred on a random foreground voxel (nnU-Net: 0.33).</param>
/// <param name="Mirror">Random flips along each axis, applied identically to image and labels.</param>
/// <param name="CacheCapacity">Preprocessed cases kept in memory (LRU).</param>
public sealed record LabelledPatchOptions(
    PreprocessOptions Preprocess,
    Shape3 PatchSize,
    double ForegroundProbability = 0.33,
    bool Mirror = true,
    int CacheCapacity = 8)
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad value.</summary>
    public LabelledPatchOptions Validate()
    {
        ArgumentNullException.ThrowIfNull(Preprocess);
        if (PatchSize.X <= 0 || PatchSize.Y <= 0 || PatchSize.Z <= 0) throw new ArgumentException($"Patch size {PatchSize} must be positive.");
        if (ForegroundProbability is < 0 or > 1 || double.IsNaN(ForegroundProbability))
            throw new ArgumentException($"Foreground probability must be in [0, 1], got {ForegroundProbability}.");
        if (CacheCapacity < 1) throw new ArgumentException($"Case cache capacity must be >= 1, got {CacheCapacity}.");
        return this;
    }
}
