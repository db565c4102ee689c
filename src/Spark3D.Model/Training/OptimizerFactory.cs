using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Spark3D.Model.Training;

/// <summary>Builds the TorchSharp optimiser described by <see cref="OptimizerOptions"/>.</summary>
public static class OptimizerFactory
{
    /// <summary>One parameter group, lr = options.Lr (the schedule overrides it every step).</summary>
    public static OptimizerHelper Create(IEnumerable<Parameter> parameters, OptimizerOptions options) =>
        Create([new ParameterGroup("all", parameters.ToList())], options);

    /// <summary>
    /// One optimiser parameter group per <see cref="ParameterGroup"/>, in order; <see cref="TrainingStep"/> sets
    /// group i's lr to schedule(step) × groups[i].LrScale. Frozen parameters (requires_grad false) are left out.
    /// </summary>
    public static OptimizerHelper Create(IReadOnlyList<ParameterGroup> groups, OptimizerOptions options)
    {
        ArgumentNullException.ThrowIfNull(groups);
        options.Validate();
        var trainable = groups.Select(g => (Group: g, Params: g.Parameters.Where(p => p.requires_grad).ToList()))
            .Where(x => x.Params.Count > 0).ToList();
        if (trainable.Count == 0) throw new ArgumentException("optimizer: no trainable parameters (all frozen or empty groups).");

        return options.Kind switch
        {
            OptimizerKind.Sgd => optim.SGD(
                trainable.Select(x => new SGD.ParamGroup(x.Params, options.Lr * x.Group.LrScale, options.Momentum, 0.0,
                    options.WeightDecay, options.Nesterov, false)),
                options.Lr, options.Momentum, 0.0, options.WeightDecay, options.Nesterov, false),
            OptimizerKind.AdamW => optim.AdamW(
                trainable.Select(x => new AdamW.ParamGroup(x.Params, options.Lr * x.Group.LrScale, options.Beta1,
                    options.Beta2, options.Eps, options.WeightDecay, false, false)),
                options.Lr, options.Beta1, options.Beta2, options.Eps, options.WeightDecay, false, false),
            _ => throw new ArgumentOutOfRangeException(nameof(options), $"unknown optimizer kind {options.Kind}"),
        };
    }
}
