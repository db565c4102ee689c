using Spark3D.Model.Interop;
using Spark3D.Model.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Spark3D.Model.Checkpoints;

/// <summary>
/// Everything needed to resume training exactly: weights, optimiser state (momentum), the step, the schedule, RNG
/// states, the caller's data cursor and the resolved config. Opaque strings are the caller's own JSON.
/// </summary>
public sealed record Checkpoint
{
    /// <summary>Number of optimiser steps completed; training resumes at this step index.</summary>
    public required long Step { get; init; }

    /// <summary>Model parameters and buffers in TorchSharp's `module.save` format (<see cref="TorchSharpStateDict"/>).</summary>
    public required byte[] ModelState { get; init; }

    /// <summary>`optimizer.save_state_dict` bytes, or null.</summary>
    public byte[]? OptimizerState { get; init; }

    /// <summary>The learning-rate schedule in use (name + parameters), or null.</summary>
    public LrSchedule? Schedule { get; init; }

    /// <summary>torch's default CPU generator state (torch.random.get_rng_state), or null.</summary>
    public byte[]? TorchRngState { get; init; }

    /// <summary>The caller's RNG state(s), as JSON.</summary>
    public string? CallerRngJson { get; init; }

    /// <summary>The caller's data cursor (where in the data stream to continue), as JSON.</summary>
    public string? DataCursorJson { get; init; }

    /// <summary>The fully resolved configuration text of the run.</summary>
    public string? ConfigText { get; init; }

    /// <summary>When it was captured.</summary>
    public DateTimeOffset CreatedUtc { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>Hex SHA-256 of the file payload; set when written or read by <see cref="CheckpointStore"/>.</summary>
    public string? Sha256 { get; init; }

    /// <summary>Captures the current state of a training run.</summary>
    public static Checkpoint Capture(
        nn.Module model,
        OptimizerHelper? optimizer,
        long step,
        LrSchedule? schedule = null,
        string? dataCursorJson = null,
        string? callerRngJson = null,
        string? configText = null,
        bool includeTorchRng = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (step < 0) throw new ArgumentOutOfRangeException(nameof(step), $"step must be >= 0, got {step}.");
        return new Checkpoint
        {
            Step = step,
            ModelState = TorchSharpStateDict.Save(model),
            OptimizerState = optimizer is null ? null : SaveOptimizer(optimizer),
            Schedule = schedule,
            TorchRngState = includeTorchRng ? GetTorchRng() : null,
            CallerRngJson = callerRngJson,
            DataCursorJson = dataCursorJson,
            ConfigText = configText,
        };
    }

    /// <summary>
    /// Loads weights (strict) and, when given and present, the optimiser state and torch's RNG state. The model and
    /// optimiser must have the architecture/parameter order they had when captured.
    /// </summary>
    public void Restore(nn.Module model, OptimizerHelper? optimizer, bool restoreTorchRng = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        TorchSharpStateDict.Load(model, ModelState);
        if (optimizer is not null && OptimizerState is not null)
        {
            using var reader = new BinaryReader(new MemoryStream(OptimizerState, writable: false));
            optimizer.load_state_dict(reader);
        }
        if (restoreTorchRng && TorchRngState is not null)
        {
            using var state = tensor(TorchRngState, dtype: ScalarType.Byte);
            random.set_rng_state(state);
        }
    }

    private static byte[] SaveOptimizer(OptimizerHelper optimizer)
    {
        using var ms = new MemoryStream();
        using (var writer = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true)) optimizer.save_state_dict(writer);
        return ms.ToArray();
    }

    private static byte[] GetTorchRng()
    {
        using var state = random.get_rng_state();
        return state.data<byte>().ToArray();
    }
}
