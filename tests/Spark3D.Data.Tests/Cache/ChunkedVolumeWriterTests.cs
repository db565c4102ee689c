using System.IO.Hashing;
using Spark3D.Data.Cache;
using Spark3D.Data.Preprocessing;
using Spark3D.Data.Volumes;
using ZstdSharp;

namespace Spark3D.Data.Tests.Cache;

/// <summary>
/// The writer encodes chunk layers in parallel and writes them with gathered positional writes; the file must be byte
/// for byte what the former sequential writer (kept below as the reference) produced, for every layout.
/// </summary>
public class ChunkedVolumeWriterTests
{
    [Theory]
    [MemberData(nameof(ChunkedVolumeRoundTripTests.Layouts), MemberType = typeof(ChunkedVolumeRoundTripTests))]
    public void Files_are_byte_identical_to_the_sequential_reference_writer(ChunkCodec codec, CacheDType dtype, int chunk, bool shuffle)
    {
        using var dir = new TempDirectory();
        var vol = TestVolumes.Smooth(new Shape3(45, 38, 29));
        var options = new ChunkedVolumeOptions(chunk, dtype, codec, Shuffle: shuffle);
        const string info = """{"id":"x"}""";
        string path = dir.File("v.s3d");
        var timings = new StageTimings();
        ChunkedVolumeWriter.Write(path, vol, options, info, timings);
        Assert.Equal(ReferenceWrite(vol, options, info), File.ReadAllBytes(path));
        Assert.True(timings[PreprocessStage.Write] > TimeSpan.Zero);
        Assert.True(timings[PreprocessStage.Chunk] + timings[PreprocessStage.Compress] + timings[PreprocessStage.Checksum] > TimeSpan.Zero);
        Assert.Empty(Directory.GetFiles(dir.File("."), ".*.tmp"));
    }

    [Fact]
    public void A_longer_pooled_buffer_writes_the_same_file_as_the_volume()
    {
        using var dir = new TempDirectory();
        var vol = TestVolumes.Smooth(new Shape3(33, 20, 17));
        var longer = vol.Voxels.Concat(Enumerable.Repeat(float.NaN, 100)).ToArray();
        ChunkedVolumeWriter.Write(dir.File("a.s3d"), vol, new ChunkedVolumeOptions(16));
        ChunkedVolumeWriter.Write(dir.File("b.s3d"), longer, vol.Shape, vol.Spacing, vol.Affine, new ChunkedVolumeOptions(16), null, null);
        Assert.Equal(File.ReadAllBytes(dir.File("a.s3d")), File.ReadAllBytes(dir.File("b.s3d")));
    }

    /// <summary>The writer as it was before: one chunk after another, in chunk-id order, into one stream.</summary>
    private static byte[] ReferenceWrite(Volume volume, ChunkedVolumeOptions o, string? info)
    {
        bool shuffle = o.Shuffle && o.Codec != ChunkCodec.None;
        var meta = new ChunkedVolumeMetadata(volume.Shape, volume.Spacing, volume.Affine, o.DType, o.ChunkSize, o.Codec, shuffle, info);
        byte[] metaBytes = meta.ToUtf8();
        var grid = new ChunkGrid(volume.Shape, o.ChunkSize);
        var index = new byte[grid.Count * ChunkedVolumeHeader.IndexEntrySize];
        long dataStart = ChunkedVolumeHeader.Size + metaBytes.Length + index.Length;
        using var ms = new MemoryStream();
        ms.SetLength(dataStart);
        ms.Position = dataStart;
        int cs = o.ChunkSize, bpv = o.DType == CacheDType.Float16 ? 2 : 4;
        var floats = new float[cs * cs * cs];
        var raw = new byte[floats.Length * bpv];
        var shuffled = new byte[raw.Length];
        var packed = new byte[ChunkCompressor.Bound(o.Codec, raw.Length)];
        Compressor? zstd = null;
        var chunks = grid.Chunks;
        var shape = volume.Shape;
        for (int cz = 0; cz < chunks.Z; cz++)
            for (int cy = 0; cy < chunks.Y; cy++)
                for (int cx = 0; cx < chunks.X; cx++)
                {
                    var e = grid.Extent(cx, cy, cz);
                    int n = (int)e.Count;
                    for (int z = 0; z < e.Z; z++)
                        for (int y = 0; y < e.Y; y++)
                            volume.Voxels.AsSpan((int)shape.Index(cx * cs, cy * cs + y, cz * cs + z), e.X).CopyTo(floats.AsSpan(e.X * (y + e.Y * z), e.X));
                    VoxelEncoding.Encode(floats.AsSpan(0, n), o.DType, raw);
                    var src = raw.AsSpan(0, n * bpv);
                    if (shuffle)
                    {
                        // byte b of element i goes to b·n + i
                        for (int i = 0; i < n; i++)
                            for (int b = 0; b < bpv; b++) shuffled[b * n + i] = raw[i * bpv + b];
                        src = shuffled.AsSpan(0, n * bpv);
                    }
                    int len = ChunkCompressor.Compress(o.Codec, o.CompressionLevel, src, packed, ref zstd);
                    var stored = packed.AsSpan(0, len);
                    ChunkedVolumeHeader.WriteEntry(index, grid.Id(cx, cy, cz), new ChunkedVolumeHeader.IndexEntry(ms.Position, len, XxHash3.HashToUInt64(stored)));
                    ms.Write(stored);
                }
        zstd?.Dispose();
        var header = new byte[ChunkedVolumeHeader.Size];
        ChunkedVolumeHeader.Write(header, new ChunkedVolumeHeader.Fields(ChunkedVolumeHeader.Size, metaBytes.Length,
            ChunkedVolumeHeader.Size + metaBytes.Length, grid.Count, ms.Length), metaBytes, index);
        ms.Position = 0;
        ms.Write(header);
        ms.Write(metaBytes);
        ms.Write(index);
        return ms.ToArray();
    }
}
