using System.Text;
using System.Text.Json;
using Spark3D.Data.Nifti;
using Spark3D.Data.Volumes;

namespace Spark3D.Data.Tests.Nifti;

/// <summary>
/// Our reader against nibabel 5.0 on every real NIfTI file in Debian's mricron-data and python3-nibabel test data,
/// plus generated variants (every datatype, both byte orders, NIfTI-2, pairs, gz pairs, scaling, 4-D/5-D,
/// extensions, vox_offset, qform-only and no-xform files).
/// </summary>
public sealed class NiftiConformanceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nifti-conf-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Every_real_and_variant_file_matches_nibabel()
    {
        var realFiles = NibabelReference.RealFiles();
        Assert.True(realFiles.Count >= 15, $"expected the Debian test files, found {realFiles.Count}; run scripts/test.sh");
        var reference = NibabelReference.Run(realFiles, _dir);

        var failures = new List<string>();
        int compared = 0, rejectedAlike = 0;
        var covered = new HashSet<string>();
        foreach (var entry in reference.EnumerateArray())
        {
            string file = entry.GetProperty("file").GetString()!;
            string name = Path.GetFileName(file);
            bool nifti = entry.GetProperty("nifti").GetBoolean();
            bool nibabelFailed = entry.TryGetProperty("error", out _);
            if (!nifti || nibabelFailed)
            {
                // nibabel cannot read it as NIfTI data (ANALYZE, a .hdr without .img): we must refuse it, with our exception.
                try
                {
                    NiftiReader.Read(file);
                    failures.Add($"{name}: nibabel refuses it but we read it");
                }
                catch (NiftiFormatException e)
                {
                    Assert.Contains(name, e.Message.Replace(".img", ".hdr"), StringComparison.Ordinal);
                    rejectedAlike++;
                }
                continue;
            }
            try
            {
                Compare(file, entry, failures, covered);
                compared++;
            }
            catch (Exception e)
            {
                failures.Add($"{name}: {e.GetType().Name}: {e.Message}");
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
        Assert.True(compared >= 40, $"only {compared} files compared");
        Assert.True(rejectedAlike >= 2, "the ANALYZE and missing-.img files should be rejected");
        foreach (string kind in new[] { "big-endian", "nifti2", "scaled", "4-D", "pair", "gz", "gz-pair", "qform", "fallback", "uint8", "int8", "int16", "uint16", "int32", "uint32", "int64", "float32", "float64" })
            Assert.Contains(kind, covered);
    }

    private static void Compare(string file, JsonElement entry, List<string> failures, HashSet<string> covered)
    {
        string name = Path.GetFileName(file);
        var shape = entry.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        var affine = entry.GetProperty("affine").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        var header = NiftiReader.ReadHeader(file);

        var dims = header.Dims.Skip(1).Take((int)header.Dims[0]).ToArray();
        if (!dims.SequenceEqual(shape)) failures.Add($"{name}: dims [{string.Join(',', dims)}] vs nibabel [{string.Join(',', shape)}]");

        foreach (var vol in entry.GetProperty("volumes").EnumerateArray())
        {
            int index = vol.GetProperty("index").GetInt32();
            var image = NiftiReader.Read(file, index);
            var v = image.Volume;
            for (int r = 0; r < 4; r++)
                for (int c = 0; c < 4; c++)
                    if (Math.Abs(v.Affine[r, c] - affine[r][c]) > 1e-5)
                        failures.Add($"{name}: affine[{r},{c}] {v.Affine[r, c]} vs nibabel {affine[r][c]}");

            double scaleRef = Math.Max(Math.Abs(vol.GetProperty("min").GetDouble()), Math.Abs(vol.GetProperty("max").GetDouble()));
            bool Close(double ours, double theirs, double tolerance) =>
                Math.Abs(ours - theirs) <= tolerance * Math.Max(Math.Abs(theirs), 1e-3 * scaleRef) + 1e-12;

            foreach (var sample in vol.GetProperty("samples").EnumerateArray())
            {
                long i = sample[0].GetInt64();
                if (sample[1].ValueKind == JsonValueKind.Null)
                {
                    if (!float.IsNaN(v.Voxels[i]) && float.IsFinite(v.Voxels[i])) failures.Add($"{name}[vol {index}] voxel {i}: {v.Voxels[i]} vs nibabel non-finite");
                    continue;
                }
                double expected = sample[1].GetDouble();
                if (!Close(v.Voxels[i], expected, 1e-5)) failures.Add($"{name}[vol {index}] voxel {i}: {v.Voxels[i]} vs nibabel {expected}");
            }
            var (min, max, sum) = Stats(v);
            if (!Close(min, vol.GetProperty("min").GetDouble(), 1e-5)) failures.Add($"{name}[vol {index}] min {min} vs {vol.GetProperty("min")}");
            if (!Close(max, vol.GetProperty("max").GetDouble(), 1e-5)) failures.Add($"{name}[vol {index}] max {max} vs {vol.GetProperty("max")}");
            double refSum = vol.GetProperty("sum").GetDouble();
            if (Math.Abs(sum - refSum) > 1e-5 * Math.Max(Math.Abs(refSum), scaleRef * v.Voxels.Length * 1e-3))
                failures.Add($"{name}[vol {index}] sum {sum} vs nibabel {refSum}");
            covered.Add(NiftiDataTypes.Name(header.DataType));
            if (index == 1) covered.Add("4-D");
            if (image.AffineSource == NiftiAffineSource.Qform) covered.Add("qform");
            if (image.AffineSource == NiftiAffineSource.Fallback) covered.Add("fallback");
        }
        if (header.IsBigEndian) covered.Add("big-endian");
        if (header.Version == 2) covered.Add("nifti2");
        if (header.HasScaling) covered.Add("scaled");
        if (header.IsPair) covered.Add(header.IsDataCompressed ? "gz-pair" : "pair");
        else if (header.IsDataCompressed) covered.Add("gz");
    }

    private static (double Min, double Max, double Sum) Stats(Volume v)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity, sum = 0;
        foreach (float x in v.Voxels)
        {
            if (!float.IsFinite(x)) continue;
            if (x < min) min = x;
            if (x > max) max = x;
            sum += x;
        }
        return (min, max, sum);
    }
}
