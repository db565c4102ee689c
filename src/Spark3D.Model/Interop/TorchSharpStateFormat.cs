namespace Spark3D.Model.Interop;

/// <summary>
/// Checks the model and optimiser sections of a checkpoint before TorchSharp reads them: TorchSharp allocates each
/// tensor at the shape the bytes declare (<c>torch.empty(shape)</c>) before it finds out the data is not there, and
/// a SHA-256 over the file proves only that it was not altered after it was written, not who wrote it. Nothing is
/// allocated here; a problem is an <see cref="InvalidDataException"/> saying what and where.
/// </summary>
public static class TorchSharpStateFormat
{
    // Smallest entry of a module state: a 1-byte name length, a dtype, a rank (a scalar of 1-byte elements adds 1).
    private const int MinEntryBytes = 3;

    /// <summary><c>module.save</c>: a count, then per entry a name and a tensor; nothing after the last.</summary>
    public static void ValidateModelState(ReadOnlySpan<byte> bytes)
    {
        var r = new TorchSharpFormatReader(bytes);
        long count = r.Count("entry count", MinEntryBytes);
        for (long i = 0; i < count; i++)
        {
            string name = r.String($"name of entry {i}");
            r.Tensor($"tensor '{name}'");
        }
        r.End("model state");
    }

    /// <summary>
    /// <c>optimizer.save_state_dict</c> of the optimisers Spark3D builds (SGD, AdamW): the name, the group and state
    /// counts, each group's hyper-parameters, each parameter's state tensors; nothing after the last.
    /// </summary>
    public static void ValidateOptimizerState(ReadOnlySpan<byte> bytes)
    {
        var r = new TorchSharpFormatReader(bytes);
        string kind = r.String("optimizer name");
        (int OptionDoubles, int OptionBools) layout = kind switch
        {
            "SGD" => (2 + 3, 2),   // initial lr, lr; momentum, dampening, weight decay; nesterov, maximize
            "AdamW" => (2 + 4, 2), // initial lr, lr; beta1, beta2, eps, weight decay; amsgrad, maximize
            _ => throw new InvalidDataException($"optimizer '{kind}' is not SGD or AdamW"),
        };
        long groups = r.Count("parameter group count", 8 * layout.OptionDoubles + layout.OptionBools);
        long states = r.Count("parameter state count", 1);
        for (long g = 0; g < groups; g++)
        {
            for (int i = 0; i < layout.OptionDoubles; i++) r.Double($"group {g} option");
            for (int i = 0; i < layout.OptionBools; i++) r.Boolean($"group {g} flag");
        }
        for (long s = 0; s < states; s++)
        {
            if (kind == "SGD")
            {
                if (r.Boolean($"state {s} has a momentum buffer")) r.Tensor($"state {s} momentum buffer");
            }
            else
            {
                r.Int64($"state {s} step");
                r.Tensor($"state {s} exp_avg");
                r.Tensor($"state {s} exp_avg_sq");
                if (r.Boolean($"state {s} has max_exp_avg_sq")) r.Tensor($"state {s} max_exp_avg_sq");
            }
        }
        r.End("optimizer state");
    }
}
