namespace Spark3D.Host.FineTune;

/// <summary>The command-line part of a fine-tuning run (flags override the configuration).</summary>
public sealed record FineTuneRequest(
    string Data,
    string RunDirectory,
    long Steps,
    string? Pretrained,
    bool FromScratch,
    string? Preset = null,
    int? Patch = null,
    int? Batch = null,
    long? Seed = null,
    bool DecoderInTransfer = false,
    string? Device = null,
    string? Preprocessed = null);

/// <summary>A fine-tuning run cannot start; the message names the input and the problem.</summary>
public sealed class FineTuneSetupException : Exception
{
    /// <summary>Creates the exception.</summary>
    public FineTuneSetupException(string message) : base(message) { }

    /// <summary>Creates the exception with its cause.</summary>
    public FineTuneSetupException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates the exception with no message.</summary>
    public FineTuneSetupException() { }
}
