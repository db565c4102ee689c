using Spark3D.Data.Cache;
using Spark3D.Data.Volumes;

namespace Spark3D.Data.Tests.Cache;

public class ChunkedVolumeCorruptionTests
{
    private static string WriteSample(TempDirectory dir, ChunkCodec codec, string name = "v.s3d")
    {
        string path = dir.File(name);
        ChunkedVolumeWriter.Write(path, TestVolumes.Smooth(new Shape3(20, 18, 17)), new ChunkedVolumeOptions(8, CacheDType.Float32, codec),
            """{"id":"x"}""");
        return path;
    }

    [Fact]
    public void Zero_byte_and_foreign_files_raise_CacheFormatException_naming_the_file()
    {
        using var dir = new TempDirectory();
        string empty = dir.File("empty.s3d");
        File.WriteAllBytes(empty, Array.Empty<byte>());
        var e = Assert.Throws<CacheFormatException>(() => ChunkedVolumeFile.Open(empty));
        Assert.Contains(empty, e.Message, StringComparison.Ordinal);

        string foreign = dir.File("foreign.s3d");
        File.WriteAllBytes(foreign, Enumerable.Range(0, 4096).Select(i => (byte)(i * 7)).ToArray());
        e = Assert.Throws<CacheFormatException>(() => ChunkedVolumeFile.Open(foreign));
        Assert.Contains("magic", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ChunkCodec.None)]
    [InlineData(ChunkCodec.Zstd)]
    public void Every_truncation_is_detected_at_open(ChunkCodec codec)
    {
        using var dir = new TempDirectory();
        byte[] good = File.ReadAllBytes(WriteSample(dir, codec));
        string bad = dir.File("bad.s3d");
        for (int len = 0; len < good.Length; len += Math.Max(1, good.Length / 97))
        {
            File.WriteAllBytes(bad, good.AsSpan(0, len).ToArray());
            var e = Assert.Throws<CacheFormatException>(() => ChunkedVolumeFile.Open(bad));
            Assert.Equal(bad, e.FilePath);
        }
    }

    [Theory]
    [InlineData(ChunkCodec.None)]
    [InlineData(ChunkCodec.Lz4)]
    [InlineData(ChunkCodec.Zstd)]
    public void Any_flipped_byte_is_detected_at_open_or_read(ChunkCodec codec)
    {
        using var dir = new TempDirectory();
        byte[] good = File.ReadAllBytes(WriteSample(dir, codec));
        string bad = dir.File("bad.s3d");
        var rng = new Random(11);
        for (int trial = 0; trial < 300; trial++)
        {
            var bytes = (byte[])good.Clone();
            int at = trial < 64 ? trial : rng.Next(bytes.Length); // the whole header, then anywhere
            bytes[at] ^= (byte)(1 << rng.Next(8));
            File.WriteAllBytes(bad, bytes);
            var e = Assert.Throws<CacheFormatException>(() =>
            {
                using var f = ChunkedVolumeFile.Open(bad);
                f.ReadAll();
            });
            Assert.Contains(bad, e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Without_chunk_verification_a_corrupt_compressed_chunk_still_fails_typed_or_reads()
    {
        using var dir = new TempDirectory();
        byte[] good = File.ReadAllBytes(WriteSample(dir, ChunkCodec.Lz4));
        string bad = dir.File("bad.s3d");
        var rng = new Random(5);
        using (var ok = ChunkedVolumeFile.Open(dir.File("v.s3d"))) Assert.NotNull(ok.ReadAll());
        int dataStart = good.Length - 1;
        // Only flip bytes in the chunk payload area (the last half of the file is all payload).
        for (int trial = 0; trial < 200; trial++)
        {
            var bytes = (byte[])good.Clone();
            bytes[rng.Next(good.Length / 2, dataStart)] ^= 0xFF;
            File.WriteAllBytes(bad, bytes);
            using var f = ChunkedVolumeFile.Open(bad, verifyChunks: false);
            try { f.ReadAll(); }
            catch (CacheFormatException e) { Assert.Equal(bad, e.FilePath); }
        }
    }
}
