namespace Spark3D.Host.Config;

/// <summary>The <c>spark3d.pretrain</c> settings of one run (<see cref="PretrainOptionsMapper"/>); folders are full paths.</summary>
/// <param name="RunDirectory">The run directory (resumes when it holds checkpoints).</param>
/// <param name="Data">The training data folder (cache or raw NIfTI); null for the built-in phantom demo.</param>
/// <param name="InjectFailureAtStep">Supervision tests: the trainer fails once at this step; 0 = never.</param>
/// <param name="Demo">The demo's phantom set.</param>
public sealed record PretrainOptions(string RunDirectory, string? Data, long InjectFailureAtStep, DemoOptions Demo);

/// <summary><c>spark3d.pretrain.demo</c>: where the demo's phantoms are built, how many, and their size.</summary>
public sealed record DemoOptions(string DataDirectory, int Phantoms, long MaxVoxels);
