using Spark3D.Data.Nifti;
using Spark3D.Data.Preprocessing;
using Spark3D.Data.Tests.Nifti;
using Spark3D.Data.Volumes;

namespace Spark3D.Data.Tests.Preprocessing;

/// <summary>
/// <see cref="VolumePreprocessor.Process(Volume)"/> fuses reorient → crop → z-score → resample (views instead of copies,
/// z-score applied as the resampler reads). It must give exactly what running the public steps one after the other
/// gives, and reading a NIfTI file raw (converted row by row, as the cache build does) must give exactly what reading
/// it as float32 first gives.
/// </summary>
public class FusedPreprocessingTests
{
    /// <summary>A head-like blob with holes (zeros inside), noise and odd sizes (vector tails everywhere).</summary>
    private static Volume Blob(string codes, Spacing3 spacing, int seed = 3)
    {
        var shape = new Shape3(37, 29, 23);
        var rng = new Random(seed);
        var v = new float[shape.Count];
        for (int z = 0; z < shape.Z; z++) for (int y = 0; y < shape.Y; y++) for (int x = 0; x < shape.X; x++)
        {
            double dx = (x - 19) / 13.0, dy = (y - 13) / 10.0, dz = (z - 12) / 8.0;
            double r = dx * dx + dy * dy + dz * dz;
            if (r > 1 || rng.NextDouble() < 0.05) continue;
            v[shape.Index(x, y, z)] = (float)(300 + 200 * (1 - r) + 40 * rng.NextDouble() + x);
        }
        return new Volume(v, shape, spacing, TestVolumes.FromCodes(codes, spacing, 12.5, -30, 7));
    }

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (string codes in new[] { "RAS", "LAS", "LPS", "RPI", "PSR", "ASL", "SLP", "ILA" })
            foreach (string option in new[] { "default", "nearest", "cubic", "no-resample", "all-voxels", "no-crop", "no-reorient", "upsample" })
                data.Add(codes, option);
        return data;
    }

    private static PreprocessOptions OptionsFor(string option) => option switch
    {
        "default" => PreprocessOptions.Default,
        "nearest" => PreprocessOptions.Default with { ImageInterpolation = Interpolation.Nearest },
        "cubic" => PreprocessOptions.Default with { ImageInterpolation = Interpolation.CubicBSpline },
        "no-resample" => new PreprocessOptions(TargetSpacing: null),
        "all-voxels" => PreprocessOptions.Default with { ZScore = new ZScoreOptions(ZScoreMode.AllVoxels) },
        "no-crop" => PreprocessOptions.Default with { CropToNonzero = false },
        "no-reorient" => PreprocessOptions.Default with { Reorient = false },
        "upsample" => new PreprocessOptions(new Spacing3(0.7, 0.9, 0.6)),
        _ => throw new ArgumentOutOfRangeException(nameof(option)),
    };

    /// <summary>The pipeline as separate public steps, each producing a new volume (the behaviour before fusion).</summary>
    internal static (Volume Volume, PreprocessRecord Record) StepByStep(Volume image, PreprocessOptions o)
    {
        var orientation = o.Reorient ? CanonicalReorienter.TransformFor(image.Affine, image.Shape) : OrientationTransform.Identity(image.Shape);
        var v = orientation.Apply(image);
        var box = o.CropToNonzero ? NonzeroCropper.FindBox(v) : CropBox.Full(v.Shape);
        if (!box.IsFull) v = box.Apply(v);
        var (normalized, stats) = ZScoreNormalizer.Normalize(v, o.ZScore ?? ZScoreOptions.Default);
        var result = o.TargetSpacing is { } t ? Resampler.Resample(normalized, t, o.ImageInterpolation) : normalized;
        return (result, new PreprocessRecord(image.Shape, image.Spacing, image.Affine, orientation, box, stats, normalized.Shape,
            o.ImageInterpolation, result.Shape, result.Spacing, result.Affine));
    }

    internal static void AssertBitIdentical(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.True(expected.Length <= actual.Length, $"{what}: {actual.Length} voxels, expected {expected.Length}");
        for (int i = 0; i < expected.Length; i++)
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                Assert.Fail($"{what}: voxel {i} is {actual[i]:R}, expected {expected[i]:R}");
    }

    internal static void AssertSameRecord(PreprocessRecord expected, PreprocessRecord actual)
    {
        Assert.Equal(expected.OriginalShape, actual.OriginalShape);
        Assert.Equal(expected.OriginalSpacing, actual.OriginalSpacing);
        Assert.Equal(expected.OriginalAffine, actual.OriginalAffine);
        Assert.Equal(expected.Orientation.SourceAxis, actual.Orientation.SourceAxis);
        Assert.Equal(expected.Orientation.Flip, actual.Orientation.Flip);
        Assert.Equal(expected.Crop, actual.Crop);
        Assert.Equal(expected.Stats, actual.Stats);
        Assert.Equal(expected.ResampledFrom, actual.ResampledFrom);
        Assert.Equal(expected.Shape, actual.Shape);
        Assert.Equal(expected.Spacing, actual.Spacing);
        Assert.Equal(expected.Affine, actual.Affine);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Fused_preprocessing_equals_the_steps_run_one_by_one(string codes, string option)
    {
        var image = Blob(codes, new Spacing3(0.8, 1.1, 1.6));
        var o = OptionsFor(option);
        var (expected, expectedRecord) = StepByStep(image, o);
        var timings = new StageTimings();
        var (actual, record) = new VolumePreprocessor(o).Process(image, timings);
        Assert.Equal(expected.Shape, actual.Shape);
        AssertBitIdentical(expected.Voxels, actual.Voxels, $"{codes} {option}");
        AssertSameRecord(expectedRecord, record);
        Assert.Equal(expected.Spacing, actual.Spacing);
        Assert.Equal(expected.Affine, actual.Affine);
        Assert.True(timings[PreprocessStage.Resample] > TimeSpan.Zero && timings[PreprocessStage.Statistics] > TimeSpan.Zero);
    }

    /// <summary>
    /// A multi-channel case fuses the same way: channel 0 the blob, channel 1 another blob cut off on one side and with a
    /// voxel in a far corner (so the crop is the union of the two boxes), channel 2 all zeros.
    /// </summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Fused_multi_channel_preprocessing_equals_the_steps_run_one_by_one(string codes, string option)
    {
        var spacing = new Spacing3(0.8, 1.1, 1.6);
        var c0 = Blob(codes, spacing);
        var other = Blob(codes, spacing, seed: 5);
        var v1 = (float[])other.Voxels.Clone();
        var s = other.Shape;
        for (int z = 0; z < s.Z; z++) for (int y = 0; y < s.Y; y++) for (int x = 0; x < 12; x++) v1[s.Index(x, y, z)] = 0;
        v1[s.Index(s.X - 1, 0, s.Z - 1)] = 77;
        var channels = new[] { c0, c0.WithVoxels(v1), c0.WithVoxels(new float[s.Count]) };
        var pre = new CasePreprocessor(OptionsFor(option));
        var (expected, expectedRecord, expectedStats) = pre.ProcessStepByStep(channels);
        var (actual, record, stats) = pre.ProcessWithStats(channels);
        AssertSameRecord(expectedRecord, record);
        Assert.Equal(expectedStats, stats);
        for (int c = 0; c < channels.Length; c++)
        {
            Assert.Equal(expected[c].Shape, actual[c].Shape);
            Assert.Equal(expected[c].Spacing, actual[c].Spacing);
            Assert.Equal(expected[c].Affine, actual[c].Affine);
            AssertBitIdentical(expected[c].Voxels, actual[c].Voxels, $"{codes} {option} channel {c}");
        }
    }

    [Fact]
    public void Labels_follow_the_steps_one_by_one_too()
    {
        foreach (string codes in new[] { "RAS", "LPS", "PSR" })
        {
            var image = Blob(codes, new Spacing3(0.8, 1.1, 1.6));
            var labels = image.WithVoxels(image.Voxels.Select(x => x == 0 ? 0f : x > 500 ? 2f : 1f).ToArray());
            var (_, record) = new VolumePreprocessor(PreprocessOptions.Default).Process(image);
            var expected = record.Crop.Apply(record.Orientation.Apply(labels));
            expected = expected.Shape == record.Shape ? expected : Resampler.Resample(expected, record.Shape, Interpolation.Nearest);
            var actual = VolumePreprocessor.ProcessLabels(labels, record);
            AssertBitIdentical(expected.Voxels, actual.Voxels, codes);
            Assert.Equal(expected.Affine, actual.Affine);
            Assert.Equal(expected.Spacing, actual.Spacing);
        }
    }

    [Fact]
    public void The_input_volume_is_not_modified()
    {
        var image = Blob("LPS", new Spacing3(0.8, 1.1, 1.6));
        var before = (float[])image.Voxels.Clone();
        new VolumePreprocessor(PreprocessOptions.Default).Process(image);
        AssertBitIdentical(before, image.Voxels, "input");
    }

    /// <summary>
    /// Every real NIfTI file of the Debian test data (mricron templates, nibabel's files) and nibabel-written variants of
    /// every datatype, byte order and scaling: the raw path of the cache build gives the float path's result bit for bit.
    /// </summary>
    [Fact]
    public void Raw_reading_preprocesses_exactly_like_reading_float32_first()
    {
        string variants = Directory.CreateTempSubdirectory("spark3d-raw-").FullName;
        try
        {
            NibabelReference.Run([], variants);
            var files = NibabelReference.RealFiles().Concat(Directory.EnumerateFiles(variants)
                .Where(f => f.EndsWith(".nii", StringComparison.Ordinal) || f.EndsWith(".nii.gz", StringComparison.Ordinal)
                            || f.EndsWith(".hdr", StringComparison.Ordinal) || f.EndsWith(".hdr.gz", StringComparison.Ordinal))).ToList();
            Assert.True(files.Count > 30, $"only {files.Count} files");
            var pre = new VolumePreprocessor(PreprocessOptions.Default);
            int compared = 0;
            foreach (string file in files)
            {
                Volume image;
                try { image = NiftiReader.Read(file).Volume; }
                catch (NiftiFormatException)
                {
                    Assert.Throws<NiftiFormatException>(() => NiftiReader.ReadRaw(file, 0, null).Voxels.Dispose());
                    continue;
                }
                (Volume Volume, PreprocessRecord Record) expected;
                try { expected = pre.Process(image); }
                catch (NonFiniteVoxelsException) { continue; }
                var (header, affine, raw) = NiftiReader.ReadRaw(file, 0, null);
                using (raw)
                {
                    Assert.Equal(image.Shape, header.Shape);
                    Assert.Equal(image.Affine, affine);
                    var (voxels, record) = pre.Process(raw, header.Shape, header.Spacing, affine, null, n => new float[n + 3]);
                    AssertBitIdentical(expected.Volume.Voxels, voxels, Path.GetFileName(file));
                    AssertSameRecord(expected.Record, record);
                }
                compared++;
            }
            Assert.True(compared > 30, $"only {compared} files compared");
        }
        finally
        {
            Directory.Delete(variants, recursive: true);
        }
    }

    [Fact]
    public void ProcessFile_equals_reading_float32_then_processing_and_shows_the_shape_first()
    {
        var pre = new VolumePreprocessor(PreprocessOptions.Default);
        var files = NibabelReference.RealFiles().Where(f => f.EndsWith(".nii.gz", StringComparison.Ordinal) && !f.Contains("ch2better", StringComparison.Ordinal)).Take(6).ToList();
        Assert.True(files.Count >= 3, $"only {files.Count} files");
        foreach (string file in files)
        {
            var expected = pre.Process(NiftiReader.Read(file).Volume, file);
            Shape3? seen = null;
            var actual = pre.ProcessFile(file, shape => seen = shape);
            Assert.Equal(NiftiReader.ReadHeader(file).Shape, seen);
            AssertBitIdentical(expected.Volume.Voxels, actual.Volume.Voxels, Path.GetFileName(file));
            AssertSameRecord(expected.Record, actual.Record);
            Assert.Equal(expected.Volume.Affine, actual.Volume.Affine);
        }
        // A refusal from the check stops it before any processing (and the pooled buffer goes back).
        var e = Assert.Throws<InvalidOperationException>(() => pre.ProcessFile(files[0], _ => throw new InvalidOperationException("too small")));
        Assert.Equal("too small", e.Message);
    }
}
