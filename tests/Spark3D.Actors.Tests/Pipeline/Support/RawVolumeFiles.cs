using Spark3D.Training.Ports;

namespace Spark3D.Actors.Tests.Pipeline.Support;

/// <summary>A tiny on-disk volume format for the tests: "RAWV" magic, three int32 dims (D,H,W), then D*H*W float32.
/// Also writes the kinds of broken files a real data folder contains.</summary>
internal static class RawVolumeFiles
{
    public static readonly byte[] Magic = "RAWV"u8.ToArray();

    public static VolumeRef WriteGood(string dir, string id, int size, float level, int seed)
    {
        var rng = new Random(seed);
        var voxels = new float[size * size * size];
        for (int i = 0; i < voxels.Length; i++) voxels[i] = level + (float)(rng.NextDouble() - 0.5);
        return Write(dir, id, size, size, size, voxels);
    }

    public static VolumeRef Write(string dir, string id, int d, int h, int w, float[] voxels)
    {
        string path = Path.Combine(dir, id + ".raw");
        using var f = new BinaryWriter(File.Create(path));
        f.Write(Magic);
        f.Write(d); f.Write(h); f.Write(w);
        foreach (float v in voxels) f.Write(v);
        return new VolumeRef(id, path);
    }

    public static VolumeRef WriteBytes(string dir, string id, byte[] bytes)
    {
        string path = Path.Combine(dir, id + ".raw");
        File.WriteAllBytes(path, bytes);
        return new VolumeRef(id, path);
    }

    /// <summary>A good file cut in the middle of its voxel data.</summary>
    public static VolumeRef WriteTruncated(string dir, string id, int size)
    {
        var good = WriteGood(dir, id, size, 1, 1);
        var bytes = File.ReadAllBytes(good.Path);
        File.WriteAllBytes(good.Path, bytes[..(bytes.Length / 2)]);
        return good;
    }
}
