using System.Text.Json;
using System.Text.Json.Serialization;
using Spark3D.Data.Preprocessing;
using Spark3D.Data.Volumes;
using Spark3D.Training.RunFiles;

namespace Spark3D.Host.FineTune;

/// <summary>
/// <c>model.json</c> in a fine-tuning run directory: everything `spark3d predict` needs besides the weights (which are
/// the newest checkpoint in <see cref="CheckpointDirectory"/>): network preset, classes, patch, preprocessing, label names.
/// </summary>
public sealed record FineTunedModel
{
    /// <summary>The file name inside the run directory.</summary>
    public const string FileName = RunFileNames.FineTunedModel;

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    /// <summary>Network preset.</summary>
    public required string Preset { get; init; }
    /// <summary>Output classes including background.</summary>
    public required int NumClasses { get; init; }
    /// <summary>Patch (X, Y, Z) the network was trained on; also the sliding window.</summary>
    public required int[] PatchSize { get; init; }
    /// <summary>Target spacing (X, Y, Z) mm, or null when the run did not resample.</summary>
    public double[]? TargetSpacing { get; init; }
    /// <summary>Image interpolation of the preprocessing.</summary>
    public Interpolation ImageInterpolation { get; init; } = Interpolation.Trilinear;
    /// <summary>Z-score statistics mode.</summary>
    public ZScoreMode ZscoreMode { get; init; } = ZScoreMode.Nonzero;
    /// <summary>Z-score minimum std.</summary>
    public double ZscoreMinStd { get; init; } = 1e-8;
    /// <summary>Crop to nonzero before normalising.</summary>
    public bool CropToNonzero { get; init; } = true;
    /// <summary>Reorient to RAS+ first.</summary>
    public bool ReorientToRas { get; init; } = true;
    /// <summary>Label value → name (background included).</summary>
    public required Dictionary<int, string> Labels { get; init; }
    /// <summary>Checkpoint folder, relative to the run directory unless absolute.</summary>
    public required string CheckpointDirectory { get; init; }
    /// <summary>The pre-training checkpoint used, or null (from scratch).</summary>
    public string? Pretrained { get; init; }
    /// <summary>Whether the decoder was transferred too.</summary>
    public bool TransferDecoder { get; init; }
    /// <summary>Total optimiser steps of the run.</summary>
    public long Steps { get; init; }
    /// <summary>The learning-rate schedule (JSON of <see cref="Model.Training.LrSchedule"/>).</summary>
    public System.Text.Json.Nodes.JsonNode? Schedule { get; init; }

    /// <summary>The preprocessing these fields describe.</summary>
    public PreprocessOptions ToPreprocessOptions() => new(
        TargetSpacing is { Length: 3 } s ? new Spacing3(s[0], s[1], s[2]) : null,
        ImageInterpolation, new ZScoreOptions(ZscoreMode, ZscoreMinStd), CropToNonzero, ReorientToRas);

    /// <summary>Fills the preprocessing fields from <paramref name="p"/>.</summary>
    public FineTunedModel WithPreprocess(PreprocessOptions p) => this with
    {
        TargetSpacing = p.TargetSpacing is { } s ? [s.X, s.Y, s.Z] : null,
        ImageInterpolation = p.ImageInterpolation,
        ZscoreMode = (p.ZScore ?? ZScoreOptions.Default).Mode,
        ZscoreMinStd = (p.ZScore ?? ZScoreOptions.Default).MinStd,
        CropToNonzero = p.CropToNonzero,
        ReorientToRas = p.Reorient,
    };

    /// <summary>The patch as (X, Y, Z).</summary>
    [JsonIgnore]
    public Shape3 Patch => new(PatchSize[0], PatchSize[1], PatchSize[2]);

    /// <summary>Writes model.json into <paramref name="runDirectory"/> (temp + rename).</summary>
    public void Write(string runDirectory)
    {
        string path = Path.Combine(runDirectory, FileName);
        File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(this, Json) + "\n");
        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <summary>Reads model.json from a run directory; <see cref="InvalidDataException"/> names the file on bad content.</summary>
    public static FineTunedModel Read(string runDirectory)
    {
        string path = Path.Combine(runDirectory, FileName);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: not a fine-tuning run directory (model.json missing).", path);
        try
        {
            var m = JsonSerializer.Deserialize<FineTunedModel>(File.ReadAllText(path), Json) ?? throw new InvalidDataException($"{path}: empty.");
            if (m.PatchSize is not { Length: 3 } || m.PatchSize.Any(p => p <= 0)) throw new InvalidDataException($"{path}: patch_size must be three positive integers.");
            if (m.NumClasses < 2) throw new InvalidDataException($"{path}: num_classes must be >= 2.");
            return m;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: invalid model description: {e.Message}", e);
        }
    }

    /// <summary>The checkpoint folder as an absolute path.</summary>
    public string CheckpointPath(string runDirectory) => Path.IsPathRooted(CheckpointDirectory) ? CheckpointDirectory : Path.Combine(runDirectory, CheckpointDirectory);
}
