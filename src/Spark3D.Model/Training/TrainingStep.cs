using System.Diagnostics;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Spark3D.Model.Training;

/// <summary>
/// One optimiser step, network-agnostic: the caller's loss delegate runs the forward pass (and fetches its batch).
/// Everything allocated inside the step is freed by a dispose scope, which keeps memory flat over long runs.
/// With <see cref="MasterWeights"/> (bf16 compute) the optimiser holds the fp32 masters: gradients are copied to them
/// before clipping and the non-finite check, and the updated masters are copied back to the compute network.
/// </summary>
public sealed class TrainingStep
{
    private readonly OptimizerHelper optimizer;
    private readonly Func<Tensor> lossFn;
    private readonly LrSchedule schedule;
    private readonly double gradClip;
    private readonly IReadOnlyList<double> lrScales;
    private readonly List<Parameter> parameters;
    private readonly MasterWeights? masterWeights;

    /// <param name="optimizer">From <see cref="OptimizerFactory"/>.</param>
    /// <param name="lossFn">Runs forward on the next batch and returns a scalar loss (called inside the dispose scope).</param>
    /// <param name="schedule">Learning rate per step.</param>
    /// <param name="gradClip">Global L2 norm clip; &lt;= 0 disables clipping.</param>
    /// <param name="lrScales">Per optimiser parameter group multiplier (defaults to 1 for every group).</param>
    /// <param name="masterWeights">Set when the loss runs on a reduced-precision compute network and the optimiser holds
    /// its fp32 masters; null when the optimiser's parameters are the ones the loss differentiates.</param>
    public TrainingStep(OptimizerHelper optimizer, Func<Tensor> lossFn, LrSchedule schedule, double gradClip, IReadOnlyList<double>? lrScales = null,
        MasterWeights? masterWeights = null)
    {
        this.optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        this.lossFn = lossFn ?? throw new ArgumentNullException(nameof(lossFn));
        this.schedule = schedule ?? throw new ArgumentNullException(nameof(schedule));
        this.gradClip = gradClip;
        var groups = optimizer.ParamGroups.Count();
        this.lrScales = lrScales ?? Enumerable.Repeat(1.0, groups).ToArray();
        if (this.lrScales.Count != groups)
            throw new ArgumentException($"lrScales has {this.lrScales.Count} entries but the optimizer has {groups} parameter groups.", nameof(lrScales));
        parameters = optimizer.parameters().Cast<Parameter>().ToList();
        this.masterWeights = masterWeights;
    }

    /// <summary>Creates a step from options (uses <see cref="OptimizerOptions.GradClip"/>).</summary>
    public TrainingStep(OptimizerHelper optimizer, Func<Tensor> lossFn, LrSchedule schedule, OptimizerOptions options, IReadOnlyList<double>? lrScales = null,
        MasterWeights? masterWeights = null)
        : this(optimizer, lossFn, schedule, options.GradClip, lrScales, masterWeights) { }

    /// <summary>
    /// Runs step <paramref name="step"/>: set lr, zero grad, loss, backward, clip, optimiser step.
    /// </summary>
    /// <exception cref="NonFiniteLossException">Loss or gradient norm is NaN/inf; no update was made.</exception>
    public StepResult Run(long step)
    {
        var clock = Stopwatch.StartNew();
        var lr = schedule.LearningRate(step);
        var i = 0;
        foreach (var group in optimizer.ParamGroups) group.LearningRate = lr * lrScales[i++];

        using var scope = NewDisposeScope();
        optimizer.zero_grad();
        masterWeights?.BeginStep();
        var loss = lossFn();
        if (loss.numel() != 1) throw new InvalidOperationException($"step {step}: the loss must be a scalar, got shape [{string.Join(",", loss.shape)}].");
        var lossValue = loss.to_type(ScalarType.Float64).item<double>();
        if (!double.IsFinite(lossValue)) throw new NonFiniteLossException(step, "loss", lossValue);

        loss.backward();
        masterWeights?.GradientsToMaster();
        var norm = ClipOrMeasure();
        if (!double.IsFinite(norm))
        {
            optimizer.zero_grad();
            throw new NonFiniteLossException(step, "gradient norm", norm);
        }
        optimizer.step();
        masterWeights?.CopyToCompute();
        return new StepResult(step, lossValue, norm, lr, clock.Elapsed.TotalSeconds);
    }

    private double ClipOrMeasure()
    {
        var withGrad = parameters.Where(p => p.grad is not null).ToList();
        if (withGrad.Count == 0) return 0.0;
        // clip_grad_norm_ with an infinite max_norm only measures (its scale factor clamps to 1).
        return nn.utils.clip_grad_norm_(withGrad, gradClip > 0 ? gradClip : double.PositiveInfinity, 2.0);
    }
}
