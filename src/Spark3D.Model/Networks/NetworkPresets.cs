namespace Spark3D.Model.Networks;

/// <summary>Named network shapes: <c>resenc-l</c> (the paper's ResEnc-L), <c>small</c> (~6 M, CPU) and <c>tiny</c> (tests, demo).</summary>
public static class NetworkPresets
{
    private static readonly Dictionary<string, Func<int, int, UNetConfig>> Presets = new(StringComparer.OrdinalIgnoreCase)
    {
        // Spec §1: 6 stages, 26 BasicBlockD, 102,348,965 parameters with one output channel.
        ["resenc-l"] = (inCh, classes) => new UNetConfig(inCh,
            Features: [32, 64, 128, 256, 320, 320], Strides: [1, 2, 2, 2, 2, 2],
            BlocksPerStage: [1, 3, 4, 6, 6, 6], DecoderConvsPerStage: [1, 1, 1, 1, 1], NumClasses: classes),
        // platform.md's CPU check network: ~6 M parameters, 64^3 patches (total stride 16).
        ["small"] = (inCh, classes) => new UNetConfig(inCh,
            Features: [16, 32, 64, 128, 160], Strides: [1, 2, 2, 2, 2],
            BlocksPerStage: [1, 2, 2, 2, 2], DecoderConvsPerStage: [1, 1, 1, 1], NumClasses: classes),
        // Tests and the CPU demo: a few hundred k parameters, 32^3..64^3 patches (total stride 8).
        ["tiny"] = (inCh, classes) => new UNetConfig(inCh,
            Features: [8, 16, 32, 64], Strides: [1, 2, 2, 2],
            BlocksPerStage: [1, 1, 1, 1], DecoderConvsPerStage: [1, 1, 1], NumClasses: classes),
    };

    /// <summary>All preset names, in order of size.</summary>
    public static IReadOnlyList<string> Names { get; } = ["tiny", "small", "resenc-l"];

    /// <summary>The preset <paramref name="name"/> (case-insensitive); throws <see cref="ArgumentException"/> listing the valid names.</summary>
    public static UNetConfig Get(string name, int inputChannels = 1, int numClasses = 1)
    {
        if (name is null || !Presets.TryGetValue(name, out var make))
            throw new ArgumentException($"Unknown network preset '{name}'. Valid presets: {string.Join(", ", Names)}.", nameof(name));
        var config = make(inputChannels, numClasses);
        config.Validate();
        return config;
    }
}
