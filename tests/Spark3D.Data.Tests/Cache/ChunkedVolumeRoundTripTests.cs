using System.Text.Json.Nodes;
using Spark3D.Data.Cache;
using Spark3D.Data.Phantoms;
using Spark3D.Data.Sampling;
using Spark3D.Data.Volumes;

namespace Spark3D.Data.Tests.Cache;

public class ChunkedVolumeRoundTripTests
{
    public static TheoryData<ChunkCodec, CacheDType, int, bool> Layouts()
    {
        var d = new TheoryData<ChunkCodec, CacheDType, int, bool>();
        foreach (var c in Enum.GetValues<ChunkCodec>())
            foreach (var t in Enum.GetValues<CacheDType>())
                foreach (int cs in new[] { 16, 32 })
                    foreach (bool shuffle in new[] { true, false })
                        d.Add(c, t, cs, shuffle);
        return d;
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Write_then_read_all_returns_the_voxels_geometry_and_metadata(ChunkCodec codec, CacheDType dtype, int chunk, bool shuffle)
    {
        using var dir = new TempDirectory();
        var vol = TestVolumes.Smooth(new Shape3(45, 38, 29)); // partial edge chunks on every axis
        string info = """{"source":"/data/sub-01/T1w.nii.gz","sha256":"abc","steps":["reorient","resample"]}""";
        string path = dir.File("v.s3d");
        ChunkedVolumeWriter.Write(path, vol, new ChunkedVolumeOptions(chunk, dtype, codec, Shuffle: shuffle), info);

        using var f = ChunkedVolumeFile.Open(path);
        Assert.Equal(vol.Shape, f.Shape);
        Assert.Equal(vol.Spacing, f.Spacing);
        Assert.True(vol.Affine.Equals(f.Affine));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(info), JsonNode.Parse(f.MetadataJson!)));
        Assert.Equal(new ChunkedVolumeOptions(chunk, dtype, codec, Shuffle: shuffle && codec != ChunkCodec.None), f.Options);
        var back = f.ReadAll();
        for (long i = 0; i < vol.Voxels.LongLength; i++)
        {
            float expected = dtype == CacheDType.Float32 ? vol.Voxels[i] : (float)(Half)vol.Voxels[i];
            Assert.Equal(expected, back.Voxels[i]);
        }
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));
    }

    [Theory]
    [InlineData(ChunkCodec.None)]
    [InlineData(ChunkCodec.Lz4)]
    [InlineData(ChunkCodec.Zstd)]
    public void Crops_anywhere_equal_the_in_memory_crop_with_zero_padding(ChunkCodec codec)
    {
        using var dir = new TempDirectory();
        var vol = TestVolumes.Smooth(new Shape3(40, 33, 27), seed: 7);
        string path = dir.File("v.s3d");
        ChunkedVolumeWriter.Write(path, vol, new ChunkedVolumeOptions(16, CacheDType.Float32, codec));
        using var f = ChunkedVolumeFile.Open(path);
        var mem = new VolumeCropSource(vol);
        var rng = new Random(3);
        var size = new Shape3(20, 17, 24);
        var cases = new List<(int, int, int)>
        {
            (0, 0, 0), (20, 16, 3), (-5, -5, -5), (30, 25, 20), (-20, -17, -24), (40, 33, 27), (-100, 0, 0), (39, 32, 26),
        };
        for (int i = 0; i < 40; i++) cases.Add((rng.Next(-25, 45), rng.Next(-20, 38), rng.Next(-28, 30)));
        var a = new float[size.Count];
        var b = new float[size.Count];
        foreach (var (x, y, z) in cases)
        {
            a.AsSpan().Fill(float.NaN); // padding must be written, not left over
            b.AsSpan().Fill(float.NaN);
            f.ReadCrop(x, y, z, size, a);
            mem.ReadCrop(x, y, z, size, b);
            Assert.Equal(b, a);
            Assert.Equal(Reference(vol, x, y, z, size), b);
        }
    }

    [Fact]
    public void A_crop_larger_than_the_volume_contains_it_surrounded_by_zeros()
    {
        using var dir = new TempDirectory();
        var vol = TestVolumes.Smooth(new Shape3(10, 9, 8));
        string path = dir.File("v.s3d");
        ChunkedVolumeWriter.Write(path, vol, new ChunkedVolumeOptions(32, CacheDType.Float32, ChunkCodec.Lz4));
        using var f = ChunkedVolumeFile.Open(path);
        var size = new Shape3(16, 16, 16);
        var crop = new float[size.Count];
        f.ReadCrop(-3, -4, -5, size, crop);
        Assert.Equal(vol[2, 3, 4], crop[size.Index(5, 7, 9)]);
        Assert.Equal(0f, crop[size.Index(0, 0, 0)]);
        Assert.Equal(0f, crop[size.Index(15, 15, 15)]);
        Assert.Equal(vol.Voxels.Sum(v => (double)v), crop.Sum(v => (double)v), 3);
    }

    [Theory]
    [InlineData(ChunkCodec.Lz4)]
    [InlineData(ChunkCodec.Zstd)]
    public void Byte_shuffle_makes_noisy_mr_intensities_compress_better(ChunkCodec codec)
    {
        using var dir = new TempDirectory();
        var img = new BrainPhantomGenerator(new PhantomOptions { MaxVoxels = 150_000 }).Generate(1).Image;
        var vol = img.WithVoxels(img.Voxels.Select(v => (v - 500f) / 250f).ToArray()); // roughly z-scored, noisy background
        ChunkedVolumeWriter.Write(dir.File("s"), vol, new ChunkedVolumeOptions(Codec: codec, Shuffle: true));
        ChunkedVolumeWriter.Write(dir.File("p"), vol, new ChunkedVolumeOptions(Codec: codec, Shuffle: false));
        long shuffled = new FileInfo(dir.File("s")).Length, plain = new FileInfo(dir.File("p")).Length;
        Assert.True(shuffled < plain * 0.9, $"shuffled {shuffled} B vs plain {plain} B");
    }

    [Fact]
    public void Concurrent_crops_from_one_file_are_correct()
    {
        using var dir = new TempDirectory();
        var vol = TestVolumes.Smooth(new Shape3(64, 64, 48), seed: 5);
        string path = dir.File("v.s3d");
        ChunkedVolumeWriter.Write(path, vol, new ChunkedVolumeOptions(16, CacheDType.Float16, ChunkCodec.Zstd));
        using var f = ChunkedVolumeFile.Open(path);
        var all = f.ReadAll();
        var size = new Shape3(24, 24, 24);
        int mismatches = 0;
        Parallel.For(0, 64, i =>
        {
            var rng = new Random(i);
            int x = rng.Next(-8, 50), y = rng.Next(-8, 50), z = rng.Next(-8, 34);
            var crop = new float[size.Count];
            f.ReadCrop(x, y, z, size, crop);
            if (!crop.AsSpan().SequenceEqual(Reference(all, x, y, z, size))) Interlocked.Increment(ref mismatches);
        });
        Assert.Equal(0, mismatches);
    }

    [Fact]
    public async Task Dispose_while_reading_never_crashes_and_later_reads_throw_ObjectDisposed()
    {
        using var dir = new TempDirectory();
        string path = dir.File("v.s3d");
        ChunkedVolumeWriter.Write(path, TestVolumes.Smooth(new Shape3(64, 64, 64)), new ChunkedVolumeOptions(16, CacheDType.Float32, ChunkCodec.None));
        var f = ChunkedVolumeFile.Open(path);
        var size = new Shape3(48, 48, 48);
        int disposedSeen = 0;
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            var buf = new float[size.Count];
            for (int i = 0; i < 200; i++)
            {
                try { f.ReadCrop(i % 16, 3, 5, size, buf); }
                catch (ObjectDisposedException) { Interlocked.Increment(ref disposedSeen); return; }
            }
        })).ToArray();
        await Task.Delay(5);
        f.Dispose();
        await Task.WhenAll(readers);
        Assert.Throws<ObjectDisposedException>(() => f.ReadCrop(0, 0, 0, size, new float[size.Count]));
        f.Dispose(); // idempotent
    }

    [Fact]
    public void Rewriting_replaces_the_file_atomically_and_readers_of_the_old_file_keep_working()
    {
        using var dir = new TempDirectory();
        string path = dir.File("v.s3d");
        var first = TestVolumes.Smooth(new Shape3(20, 20, 20), seed: 1);
        var second = TestVolumes.Smooth(new Shape3(24, 20, 16), seed: 2);
        ChunkedVolumeWriter.Write(path, first, new ChunkedVolumeOptions());
        using var old = ChunkedVolumeFile.Open(path);
        ChunkedVolumeWriter.Write(path, second, new ChunkedVolumeOptions(Codec: ChunkCodec.Zstd));
        Assert.Equal(first.Voxels, old.ReadAll().Voxels);
        using var now = ChunkedVolumeFile.Open(path);
        Assert.Equal(second.Voxels, now.ReadAll().Voxels);
        Assert.Single(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void Bad_arguments_are_rejected_clearly()
    {
        using var dir = new TempDirectory();
        var vol = TestVolumes.Smooth(new Shape3(8, 8, 8));
        Assert.Throws<ArgumentException>(() => ChunkedVolumeWriter.Write(dir.File("a"), vol, new ChunkedVolumeOptions(), "{not json"));
        Assert.Throws<ArgumentException>(() => ChunkedVolumeWriter.Write(dir.File("b"), vol, new ChunkedVolumeOptions(ChunkSize: 2)));
        var huge = vol.WithVoxels(Enumerable.Repeat(1e6f, 512).ToArray());
        var e = Assert.Throws<ArgumentException>(() => ChunkedVolumeWriter.Write(dir.File("c"), huge, new ChunkedVolumeOptions(DType: CacheDType.Float16)));
        Assert.Contains("float16", e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(dir.Path));

        ChunkedVolumeWriter.Write(dir.File("d"), vol, new ChunkedVolumeOptions());
        using var f = ChunkedVolumeFile.Open(dir.File("d"));
        Assert.Throws<ArgumentException>(() => f.ReadCrop(0, 0, 0, new Shape3(4, 4, 4), new float[63]));
        Assert.Throws<ArgumentException>(() => f.ReadCrop(0, 0, 0, new Shape3(0, 4, 4), new float[64]));
    }

    /// <summary>Naive per-voxel crop with zero padding: the specification both sources must match.</summary>
    internal static float[] Reference(Volume v, int x0, int y0, int z0, Shape3 size)
    {
        var r = new float[size.Count];
        for (int z = 0; z < size.Z; z++)
            for (int y = 0; y < size.Y; y++)
                for (int x = 0; x < size.X; x++)
                {
                    int sx = x0 + x, sy = y0 + y, sz = z0 + z;
                    bool inside = sx >= 0 && sy >= 0 && sz >= 0 && sx < v.Shape.X && sy < v.Shape.Y && sz < v.Shape.Z;
                    r[size.Index(x, y, z)] = inside ? v[sx, sy, sz] : 0f;
                }
        return r;
    }
}
