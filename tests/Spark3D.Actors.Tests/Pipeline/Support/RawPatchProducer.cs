using Spark3D.Data.Sampling;
using Spark3D.Data.Volumes;
using Spark3D.Training.Ports;

namespace Spark3D.Actors.Tests.Pipeline.Support;

/// <summary>Reads a <see cref="RawVolumeFiles"/> volume and crops a random cubic patch. Validates like a real reader
/// (magic, dims, length, finite values) and throws <see cref="InvalidDataException"/> naming the file. Files listed in
/// <see cref="BusyReads"/> fail with an IOException that many times first (a busy share), which must be retried.</summary>
internal sealed class RawPatchProducer(int patchSize) : IPatchProducer
{
    private int _calls;

    /// <summary>Path → number of reads that still fail with a transient IOException.</summary>
    public Dictionary<string, int> BusyReads { get; } = [];

    public int Calls => Volatile.Read(ref _calls);

    public Patch Produce(VolumeRef volume, Random rng)
    {
        Interlocked.Increment(ref _calls);
        lock (BusyReads)
        {
            if (BusyReads.TryGetValue(volume.Path, out int left) && left > 0)
            {
                BusyReads[volume.Path] = left - 1;
                throw new IOException($"{volume.Path}: resource temporarily unavailable");
            }
        }
        using var f = new BinaryReader(File.OpenRead(volume.Path));
        if (f.BaseStream.Length < 16 || !f.ReadBytes(4).SequenceEqual(RawVolumeFiles.Magic))
            throw new InvalidDataException($"{volume.Path}: not a RAWV file (bad magic)");
        int d = f.ReadInt32(), h = f.ReadInt32(), w = f.ReadInt32();
        if (d < patchSize || h < patchSize || w < patchSize || d > 1024 || h > 1024 || w > 1024)
            throw new InvalidDataException($"{volume.Path}: dims {d}x{h}x{w} outside [{patchSize}, 1024]");
        long expected = 16 + 4L * d * h * w;
        if (f.BaseStream.Length != expected)
            throw new InvalidDataException($"{volume.Path}: truncated, {f.BaseStream.Length} bytes instead of {expected}");
        var voxels = new float[d * h * w];
        for (int i = 0; i < voxels.Length; i++) voxels[i] = f.ReadSingle();
        if (voxels.Any(v => !float.IsFinite(v))) throw new InvalidDataException($"{volume.Path}: non-finite voxels");

        int z0 = rng.Next(d - patchSize + 1), y0 = rng.Next(h - patchSize + 1), x0 = rng.Next(w - patchSize + 1);
        var patch = new float[patchSize * patchSize * patchSize];
        for (int z = 0; z < patchSize; z++)
            for (int y = 0; y < patchSize; y++)
                Array.Copy(voxels, x0 + w * (y0 + y + h * (z0 + z)), patch, patchSize * (y + patchSize * z), patchSize);
        return new Patch(patch, new Shape3(patchSize, patchSize, patchSize));
    }
}
