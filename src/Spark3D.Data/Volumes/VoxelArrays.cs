using System.Runtime.InteropServices;

namespace Spark3D.Data.Volumes;

/// <summary>
/// Allocation of the big voxel arrays (a decoded image, a resampled volume): uninitialised (every element is written
/// before it is read, so the GC's zeroing is skipped) and, on Linux, for arrays of 2 MiB and more, marked MADV_HUGEPAGE
/// before the first touch. A fresh 140 MB float32 image then faults in ~70 transparent huge pages instead of ~35,000
/// 4 KiB pages (page faults were ~20 % of a preprocessing run's CPU time; ch2better.nii.gz decodes ~1.3x faster).
/// Best effort and only a hint: where transparent huge pages are off, or the advice fails, this is an ordinary
/// uninitialised array. Large arrays live on the large object heap, which does not move them (unless a caller asks
/// for LOH compaction, which at worst leaves the hint on the old range).
/// </summary>
public static partial class VoxelArrays
{
    private const long HugePage = 2 << 20;
    private const int MadvHugePage = 14;
    // From 2 MiB (was 4): an array of 2-4 MB (a 91x109x91 template as float32 is 3.6 MB) holds one aligned huge page;
    // nifti-decode's total CPU ratio against nibabel rose 1.44 -> 1.72x and 1.15 -> 1.46x in two paired runs (docs/nifti.md).
    private const long AdviseFromBytes = 2 << 20;

    /// <summary>An uninitialised float array of <paramref name="length"/> elements.</summary>
    public static float[] Allocate(long length) => Allocate<float>(length);

    /// <summary>An uninitialised array of <paramref name="length"/> unmanaged elements.</summary>
    public static unsafe T[] Allocate<T>(long length) where T : unmanaged
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length > Array.MaxLength) throw new ArgumentOutOfRangeException(nameof(length), length, "more elements than one array can hold");
        long bytes = length * sizeof(T);
        var array = GC.AllocateUninitializedArray<T>((int)length);
        AdviseHugePages(array);
        return array;
    }

    /// <summary>
    /// An array of at least <paramref name="length"/> elements from <see cref="System.Buffers.ArrayPool{T}.Shared"/>, advised
    /// for huge pages like <see cref="Allocate{T}(long)"/> (the pool allocates a miss uninitialised, so the advice comes
    /// before the first touch; on a reused array it changes nothing). Give it back with
    /// <see cref="System.Buffers.ArrayPool{T}.Shared"/>'s Return: arrays beyond the pool's largest bucket (2^30 elements)
    /// are allocated here and dropped by Return. Why: a 1200³ uint8 image and its resampled float32 volume faulted
    /// 1.3 million 4 KiB pages through the pool, 14 s of system time in a 39 s run.
    /// </summary>
    public static T[] Rent<T>(int length) where T : unmanaged
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var array = System.Buffers.ArrayPool<T>.Shared.Rent(length);
        AdviseHugePages(array);
        return array;
    }

    private static unsafe void AdviseHugePages<T>(T[] array) where T : unmanaged
    {
        long bytes = (long)array.Length * sizeof(T);
        if (bytes < AdviseFromBytes || !OperatingSystem.IsLinux()) return;
        fixed (T* p = array)
        {
            long start = ((long)p + HugePage - 1) & ~(HugePage - 1);
            long end = ((long)p + bytes) & ~(HugePage - 1);
            if (end > start) _ = Madvise((nint)start, (nuint)(end - start), MadvHugePage);
        }
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(nint address, nuint length, int advice);
}
