namespace Spark3D.Model.Training;

/// <summary>Optimiser algorithm.</summary>
public enum OptimizerKind
{
    /// <summary>SGD with (Nesterov) momentum: the nnU-Net / nnssl default.</summary>
    Sgd,
    /// <summary>AdamW (decoupled weight decay).</summary>
    AdamW,
}
