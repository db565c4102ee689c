using System.Runtime.InteropServices;

namespace Spark3D.Model.Checkpoints;

/// <summary>
/// fsync of a directory (Linux), so a rename into it survives a power loss. .NET has no API for it; a failure is not
/// fatal (the data file itself was already fsync'd).
/// </summary>
internal static partial class DirectorySync
{
    private const int ORdOnly = 0;
    private const int ODirectory = 0x10000; // x86_64 and aarch64 Linux

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    /// <summary>Returns true when the directory was synced.</summary>
    public static bool TrySync(string directory)
    {
        if (!OperatingSystem.IsLinux()) return false;
        var fd = Open(directory, ORdOnly | ODirectory);
        if (fd < 0) return false;
        try
        {
            return Fsync(fd) == 0;
        }
        finally
        {
            _ = Close(fd);
        }
    }
}
