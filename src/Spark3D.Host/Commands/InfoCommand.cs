using System.CommandLine;
using System.Text;
using System.Text.Json;
using Spark3D.Data.Nifti;
using Spark3D.Data.Volumes;
using Spectre.Console;

namespace Spark3D.Host.Commands;

/// <summary>
/// `spark3d info FILE [--json] [--volume N]`: NIfTI header fields, datatype, shape, spacing, affine and voxel
/// statistics after scaling. The JSON keys are a contract documented in docs/cli-info.md. A bad file prints one
/// line to stderr and exits 2.
/// </summary>
internal static class InfoCommand
{
    public const int BadFileExitCode = 2;

    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "A .nii, .nii.gz, .hdr or .img file." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object (keys: docs/cli-info.md)." };
        var volume = new Option<int>("--volume") { Description = "Which 3-D volume of a 4-D/5-D file to take statistics of.", DefaultValueFactory = _ => 0 };
        var cmd = new Command("info", "Show a NIfTI file's header, geometry and voxel statistics.") { file, json, volume };
        cmd.SetAction(result => Run(result.GetValue(file)!, result.GetValue(json), result.GetValue(volume)));
        return cmd;
    }

    private static int Run(string path, bool asJson, int volumeIndex)
    {
        NiftiImage image;
        try
        {
            image = NiftiReader.Read(path, volumeIndex);
        }
        catch (NiftiFormatException e)
        {
            Console.Error.WriteLine("spark3d info: " + e.Message.ReplaceLineEndings(" "));
            return BadFileExitCode;
        }
        catch (ArgumentOutOfRangeException e)
        {
            Console.Error.WriteLine($"spark3d info: {path}: volume {volumeIndex} does not exist ({e.Message.ReplaceLineEndings(" ")})");
            return BadFileExitCode;
        }
        var stats = VoxelStats.Of(image.Volume.Voxels);
        if (asJson) Console.Out.WriteLine(ToJson(path, image, stats));
        else WriteTable(path, image, stats);
        return 0;
    }

    private static string ToJson(string path, NiftiImage image, VoxelStats stats)
    {
        var h = image.Header;
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("file", Path.GetFullPath(path));
            w.WriteString("format", h.FormatName);
            w.WriteString("header_file", h.HeaderPath);
            w.WriteString("data_file", h.DataPath);
            w.WriteBoolean("compressed", h.IsDataCompressed);
            w.WriteString("endianness", h.IsBigEndian ? "big" : "little");
            w.WriteString("datatype", NiftiDataTypes.Name(h.DataType));
            w.WriteNumber("datatype_code", (short)h.DataType);
            w.WriteNumber("bitpix", h.Bitpix);
            Array(w, "shape", h.Dims.Skip(1).Take((int)h.Dims[0]).Select(d => (double)d));
            Array(w, "volume_shape", [h.Shape.X, h.Shape.Y, h.Shape.Z]);
            w.WriteNumber("volumes", h.VolumeCount);
            w.WriteNumber("volume", image.VolumeIndex);
            Array(w, "spacing", [image.Volume.Spacing.X, image.Volume.Spacing.Y, image.Volume.Spacing.Z]);
            Array(w, "pixdim", h.Pixdim);
            w.WriteNumber("xyzt_units", h.XyztUnits);
            Number(w, "vox_offset", h.VoxOffset);
            w.WriteNumber("data_offset", h.DataOffset);
            Number(w, "scl_slope", h.SclSlope);
            Number(w, "scl_inter", h.SclInter);
            w.WriteBoolean("scaled", h.HasScaling);
            w.WriteNumber("qform_code", h.QformCode);
            w.WriteNumber("sform_code", h.SformCode);
            Matrix(w, "qform", NiftiAffine.Qform(h));
            Matrix(w, "sform", NiftiAffine.Sform(h));
            Matrix(w, "affine", image.Volume.Affine);
            w.WriteString("affine_source", image.AffineSource.ToString().ToLowerInvariant());
            w.WriteString("descrip", h.Descrip);
            w.WriteNumber("intent_code", h.IntentCode);
            w.WriteString("intent_name", h.IntentName);
            Number(w, "min", stats.Min);
            Number(w, "max", stats.Max);
            Number(w, "mean", stats.Mean);
            Number(w, "std", stats.Std);
            w.WriteNumber("nonfinite", stats.NonFinite);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>JSON has no NaN/Infinity: such values become null.</summary>
    private static void Number(Utf8JsonWriter w, string key, double value)
    {
        if (double.IsFinite(value)) w.WriteNumber(key, value);
        else w.WriteNull(key);
    }

    /// <summary>A number array; <paramref name="key"/> null writes it as an array element (matrix rows).</summary>
    private static void Array(Utf8JsonWriter w, string? key, IEnumerable<double> values)
    {
        if (key is null) w.WriteStartArray();
        else w.WriteStartArray(key);
        foreach (double v in values)
        {
            if (double.IsFinite(v)) w.WriteNumberValue(v);
            else w.WriteNullValue();
        }
        w.WriteEndArray();
    }

    private static void Matrix(Utf8JsonWriter w, string key, Affine affine)
    {
        w.WriteStartArray(key);
        foreach (var row in affine.ToRows()) Array(w, null, row);
        w.WriteEndArray();
    }

    private static void WriteTable(string path, NiftiImage image, VoxelStats stats)
    {
        var h = image.Header;
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        var table = new Table().Title(Markup.Escape(Path.GetFileName(path))).AddColumn("field").AddColumn("value");
        void Row(string field, string value) => table.AddRow(Markup.Escape(field), Markup.Escape(value));
        Row("format", $"{h.FormatName}{(h.IsPair ? " pair" : "")}{(h.IsDataCompressed ? ", gzip" : "")}, {(h.IsBigEndian ? "big" : "little")}-endian");
        Row("header file", h.HeaderPath);
        if (h.IsPair) Row("data file", h.DataPath);
        Row("datatype", $"{NiftiDataTypes.Name(h.DataType)} (code {(short)h.DataType}, bitpix {h.Bitpix})");
        Row("shape", string.Join(" × ", h.Dims.Skip(1).Take((int)h.Dims[0])) + (h.VolumeCount > 1 ? $"  (volume {image.VolumeIndex} of {h.VolumeCount})" : ""));
        Row("spacing", image.Volume.Spacing.ToString());
        Row("pixdim", string.Join(", ", h.Pixdim.Select(F)));
        Row("xyzt_units", h.XyztUnits.ToString());
        Row("vox_offset", $"{F(h.VoxOffset)} (data at byte {h.DataOffset})");
        Row("scl_slope / scl_inter", $"{F(h.SclSlope)} / {F(h.SclInter)}{(h.HasScaling ? "" : "  (no scaling)")}");
        Row("qform_code / sform_code", $"{h.QformCode} / {h.SformCode}");
        Row($"affine ({image.AffineSource.ToString().ToLowerInvariant()})", string.Join("\n", image.Volume.Affine.ToRows().Take(3).Select(r => string.Join("  ", r.Select(v => v.ToString("0.####").PadLeft(10))))));
        if (h.Descrip.Length > 0) Row("descrip", h.Descrip);
        if (h.IntentCode != 0 || h.IntentName.Length > 0) Row("intent", $"{h.IntentCode} {h.IntentName}");
        Row("min / max", $"{F(stats.Min)} / {F(stats.Max)}");
        Row("mean / std", $"{F(stats.Mean)} / {F(stats.Std)}");
        if (stats.NonFinite > 0) Row("non-finite voxels", stats.NonFinite.ToString());
        console.Write(table);
    }

    private static string F(double v) => v.ToString("g7");

    /// <summary>Min, max, mean and population std of the finite voxels (two passes, double accumulators).</summary>
    private readonly record struct VoxelStats(double Min, double Max, double Mean, double Std, long NonFinite)
    {
        public static VoxelStats Of(float[] voxels)
        {
            double min = double.PositiveInfinity, max = double.NegativeInfinity, sum = 0;
            long n = 0;
            foreach (float v in voxels)
            {
                if (!float.IsFinite(v)) continue;
                if (v < min) min = v;
                if (v > max) max = v;
                sum += v;
                n++;
            }
            if (n == 0) return new VoxelStats(double.NaN, double.NaN, double.NaN, double.NaN, voxels.LongLength);
            double mean = sum / n, squares = 0;
            foreach (float v in voxels)
                if (float.IsFinite(v)) squares += (v - mean) * (v - mean);
            return new VoxelStats(min, max, mean, Math.Sqrt(squares / n), voxels.LongLength - n);
        }
    }
}
