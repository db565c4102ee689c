using System.IO.Compression;
using Spark3D.Data.Nifti;

namespace Spark3D.Data.Tests.Nifti;

/// <summary>
/// 12,000 mutated headers (random bytes, extreme field values, truncation, gzip damage) from small real files:
/// the reader may succeed or throw <see cref="NiftiFormatException"/>, nothing else.
/// </summary>
public sealed class NiftiFuzzTests
{
    private const int Cases = 12_000;

    private static readonly string[] RealSources =
    [
        "/usr/lib/python3/dist-packages/nibabel/tests/data/standard.nii.gz",
        "/usr/lib/python3/dist-packages/nibabel/tests/data/anatomical.nii",
        "/usr/lib/python3/dist-packages/nibabel/tests/data/example_nifti2.nii.gz",
        "/usr/lib/python3/dist-packages/nibabel/tests/data/resampled_anat_moved.nii",
        "/usr/lib/python3/dist-packages/nibabel/tests/data/row_major.dconn.nii",
    ];

    [Fact]
    public void Only_NiftiFormatException_escapes_for_mutated_real_headers()
    {
        var dir = Directory.CreateTempSubdirectory("nifti-fuzz-");
        var sources = RealSources.Where(File.Exists).Select(Decompressed).ToList();
        sources.Add(NiftiTestFiles.SmallNiiBytes(dir.FullName));
        dir.Delete(true);
        Assert.True(sources.Count >= 4, "small real NIfTI files missing; run scripts/test.sh");

        var rng = new Random(20261127);
        var failures = new List<string>();
        int ok = 0, refused = 0;
        for (int n = 0; n < Cases; n++)
        {
            byte[] source = sources[rng.Next(sources.Count)];
            byte[] bytes = Mutate(source, rng, out string how);
            try
            {
                var image = NiftiReader.ReadSingle(new MemoryStream(bytes, writable: false), $"fuzz-{n}.nii");
                Assert.Equal(image.Header.Shape.Count, image.Volume.Voxels.LongLength);
                ok++;
            }
            catch (NiftiFormatException e)
            {
                Assert.StartsWith($"fuzz-{n}.nii: ", e.Message, StringComparison.Ordinal);
                refused++;
            }
            catch (Exception e)
            {
                failures.Add($"case {n} ({how}): {e.GetType().Name}: {e.Message}");
            }
        }
        Assert.True(failures.Count == 0, $"{failures.Count} cases escaped:\n" + string.Join('\n', failures.Take(20)));
        Assert.True(ok > 500 && refused > 2000, $"mutations too weak or too strong: {ok} read, {refused} refused");
    }

    private static byte[] Decompressed(string path)
    {
        using var file = File.OpenRead(path);
        if (!path.EndsWith(".gz", StringComparison.Ordinal)) return File.ReadAllBytes(path);
        using var gz = new GZipStream(file, CompressionMode.Decompress);
        using var ms = new MemoryStream();
        gz.CopyTo(ms);
        return ms.ToArray();
    }

    private static byte[] Mutate(byte[] source, Random rng, out string how)
    {
        var b = (byte[])source.Clone();
        int headerEnd = Math.Min(b.Length, 560);
        int kind = rng.Next(100);
        if (kind < 40)
        {
            int count = rng.Next(1, 9);
            for (int i = 0; i < count; i++) b[rng.Next(headerEnd)] = (byte)rng.Next(256);
            how = $"{count} random header bytes";
        }
        else if (kind < 65)
        {
            // An interesting value at a random aligned offset: zero, -1, max, NaN, huge, a byte-swapped size.
            int offset = rng.Next(headerEnd / 2) * 2;
            byte[][] values =
            [
                [0, 0], [0xFF, 0xFF], [0xFF, 0x7F], [0, 0x80], [0, 0, 0xC0, 0x7F], [0, 0, 0x80, 0x7F], [0, 0, 0x80, 0xFF],
                [0xFF, 0xFF, 0xFF, 0x7F], [0, 0, 0, 0x80], [0x5C, 1, 0, 0], [0, 0, 0, 0, 0, 0, 0xF8, 0x7F], [1, 0, 0, 0, 0, 0, 0, 0x40],
            ];
            byte[] v = values[rng.Next(values.Length)];
            for (int i = 0; i < v.Length && offset + i < b.Length; i++) b[offset + i] = v[i];
            how = $"value {Convert.ToHexString(v)} at {offset}";
        }
        else if (kind < 85)
        {
            int length = rng.Next(b.Length);
            how = $"truncated to {length}";
            return b[..length];
        }
        else
        {
            b[rng.Next(headerEnd)] = (byte)rng.Next(256);
            using var ms = new MemoryStream();
            using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(b);
            byte[] z = ms.ToArray();
            int damage = rng.Next(3);
            if (damage == 1) { how = "gzip truncated"; return z[..rng.Next(z.Length)]; }
            if (damage == 2)
            {
                for (int i = 0; i < 4; i++) z[rng.Next(z.Length)] ^= (byte)rng.Next(1, 256);
                how = "gzip bytes flipped";
                return z;
            }
            how = "gzip of mutated header";
            return z;
        }
        return b;
    }
}
