using Spark3D.Data.Preprocessing;
using Spark3D.Data.Sampling;
using Spark3D.Training.Patches;

namespace Spark3D.Host.Config;

/// <summary>How <c>spark3d pretrain</c> turns its data folder into batches (<see cref="PretrainOptionsMapper.DataOptions"/>).</summary>
/// <param name="Producer">Patch size, augmentation, the producers' caches, chunk verification.</param>
/// <param name="Masks">The SparK masks.</param>
/// <param name="Preprocess">On-the-fly preprocessing of raw NIfTI (the same as <c>spark3d preprocess</c>).</param>
/// <param name="ManifestFileName">The cache manifest's name.</param>
public sealed record PretrainDataOptions(PatchProducerOptions Producer, MaskOptions Masks, PreprocessOptions Preprocess, string ManifestFileName);
