using Spark3D.Training.Ports;

namespace Spark3D.Training.Engines;

/// <summary>Creates a <see cref="SparkTrainerEngine"/> each time the trainer actor (re)starts, and holds what outlives one
/// engine: the once-per-process injected fault, the data-wait source for TensorBoard and the warning sink.</summary>
public sealed class SparkTrainerEngineFactory : ITrainerEngineFactory
{
    private readonly SparkTrainerOptions _options;
    private int _faultTaken;

    /// <summary>Validates <paramref name="options"/>; <paramref name="onWarning"/> gets checkpoint fallback warnings.</summary>
    public SparkTrainerEngineFactory(SparkTrainerOptions options, Action<string>? onWarning = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        Warn = onWarning ?? (_ => { });
    }

    /// <summary>The engines' options.</summary>
    public SparkTrainerOptions Options => _options;

    /// <summary>Optional source of the pipeline's data-wait fraction (logged to TensorBoard when set).</summary>
    public Func<double?>? DataWaitFraction { get; set; }

    internal Action<string> Warn { get; }

    /// <inheritdoc />
    public ITrainerEngine Create() => new SparkTrainerEngine(_options, this);

    /// <summary>True exactly once per process, for the configured fault step.</summary>
    internal bool TakeInjectedFault(long step) =>
        _options.ThrowOnceAtStep > 0 && step == _options.ThrowOnceAtStep && Interlocked.Exchange(ref _faultTaken, 1) == 0;
}

/// <summary>The failure <see cref="SparkTrainerOptions.ThrowOnceAtStep"/> injects (supervision tests).</summary>
public sealed class InjectedTrainerFaultException(string message) : Exception(message);
