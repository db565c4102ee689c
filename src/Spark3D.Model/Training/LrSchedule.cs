using System.Text.Json;
using System.Text.Json.Serialization;

namespace Spark3D.Model.Training;

/// <summary>
/// A learning-rate schedule as a pure function of the global step (0-based), so a resumed run gets the same lr as an
/// uninterrupted one. Serialisable to JSON (stored in checkpoints) via <see cref="ToJson"/> / <see cref="FromJson"/>.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(ConstantLrSchedule), "constant")]
[JsonDerivedType(typeof(PolyLrSchedule), "poly")]
[JsonDerivedType(typeof(WarmupPolySchedule), "warmup-poly")]
[JsonDerivedType(typeof(SawtoothFineTuneSchedule), "sawtooth")]
public abstract record LrSchedule
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>Short name for logs and checkpoints.</summary>
    [JsonIgnore]
    public abstract string Name { get; }

    /// <summary>The learning rate to use for optimiser step <paramref name="step"/> (0-based).</summary>
    public abstract double LearningRate(long step);

    /// <summary>JSON with a "kind" discriminator and the parameters.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Inverse of <see cref="ToJson"/>.</summary>
    public static LrSchedule FromJson(string json) =>
        JsonSerializer.Deserialize<LrSchedule>(json, Json) ?? throw new FormatException("schedule JSON is null.");

    /// <summary>lr0 · (1 − t/T)^exponent, clamped to 0 at and after T.</summary>
    protected static double Poly(double lr0, long t, long length, double exponent) =>
        t >= length ? 0.0 : lr0 * Math.Pow(1.0 - (double)Math.Max(t, 0) / length, exponent);

    /// <summary>Linear warm-up lr0 · (t+1)/W, reaching lr0 at the last warm-up step.</summary>
    protected static double Linear(double lr0, long t, long length) => lr0 * (t + 1) / length;

    /// <summary>Throws when a step count is not positive.</summary>
    protected static void RequirePositive(long value, string what)
    {
        if (value <= 0) throw new ArgumentOutOfRangeException(what, $"{what} must be > 0, got {value}.");
    }
}

/// <summary>A fixed learning rate.</summary>
public sealed record ConstantLrSchedule(double Lr) : LrSchedule
{
    /// <inheritdoc/>
    public override string Name => "constant";

    /// <inheritdoc/>
    public override double LearningRate(long step) => Lr;
}
