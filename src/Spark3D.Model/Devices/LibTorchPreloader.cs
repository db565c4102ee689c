using System.Runtime.InteropServices;

namespace Spark3D.Model.Devices;

/// <summary>
/// Loads a user-supplied libtorch (e.g. the CUDA 12.8 build of libtorch 2.10 from pytorch.org) before TorchSharp
/// touches native code. TorchSharp later asks the loader for "libtorch_cuda.so", "libtorch_cpu.so", … by name; the
/// dynamic linker matches names against already-loaded objects (by soname) first, so the preloaded copies win over the
/// CPU libtorch that ships next to the program.
/// </summary>
public static class LibTorchPreloader
{
    // Dependency order: each file's DT_NEEDED siblings are loaded before it.
    private static readonly string[] LoadOrder =
    [
        "libc10.so", "libc10_cuda.so", "libtorch_cpu.so", "libtorch_cuda.so", "libtorch.so",
        "libLibTorchSharp.so",
    ];

    private static readonly object Gate = new();
    private static string? loadedFrom;
    private static IReadOnlyList<string> loaded = [];

    /// <summary>
    /// Whether the program's own libtorch is there: next to the program (a RID publish) or under runtimes/linux-x64/native
    /// (a plain build or test output). False for the GPU package, which leaves the CPU libtorch out. A libtorch found only
    /// on the system's loader path does not count: it is usually another version (Debian's python3-torch installs 1.13),
    /// which TorchSharp would then bind to and fail on. Always true off Linux, where this project ships no package.
    /// </summary>
    public static bool BundledLibTorchPresent()
    {
        if (!OperatingSystem.IsLinux() || loadedFrom is not null) return true;
        string baseDir = AppContext.BaseDirectory;
        if (File.Exists(Path.Combine(baseDir, "libtorch_cpu.so"))) return true;
        return File.Exists(Path.Combine(baseDir, "runtimes", "linux-x64", "native", "libtorch_cpu.so"));
    }

    /// <summary>Resolves the folder holding libtorch.so: the path itself, or its lib/ sub-folder (a libtorch zip root).</summary>
    public static string ResolveLibraryFolder(string path)
    {
        var full = Path.GetFullPath(path);
        if (File.Exists(Path.Combine(full, "libtorch.so")) || File.Exists(Path.Combine(full, "libtorch_cpu.so"))) return full;
        var lib = Path.Combine(full, "lib");
        if (File.Exists(Path.Combine(lib, "libtorch_cpu.so"))) return lib;
        throw new DeviceUnavailableException(
            $"libtorch-path '{path}': neither it nor its lib/ folder holds libtorch_cpu.so. Point it at the folder of an " +
            "unpacked libtorch 2.10 (the one containing lib/libtorch.so); see docs/cuda.md.");
    }

    /// <summary>
    /// Loads the libtorch files found in <paramref name="path"/> in dependency order. Idempotent for the same folder;
    /// a second, different folder in one process is an error (native code cannot be swapped).
    /// </summary>
    /// <returns>The full paths that were loaded.</returns>
    public static IReadOnlyList<string> Load(string path)
    {
        var folder = ResolveLibraryFolder(path);
        lock (Gate)
        {
            if (loadedFrom is not null)
            {
                if (loadedFrom == folder) return loaded;
                throw new DeviceUnavailableException($"libtorch was already loaded from '{loadedFrom}'; cannot switch to '{folder}' in the same process.");
            }
            var done = new List<string>();
            foreach (var name in LoadOrder)
            {
                var file = Path.Combine(folder, name);
                if (!File.Exists(file)) continue;
                try
                {
                    NativeLibrary.Load(file);
                }
                catch (DllNotFoundException e)
                {
                    throw new DeviceUnavailableException(
                        $"libtorch-path: failed to load '{file}': {e.Message}. A CUDA libtorch also needs the NVIDIA driver " +
                        "(libcuda.so.1) on the loader path.", e);
                }
                done.Add(file);
            }
            loadedFrom = folder;
            loaded = done;
            return done;
        }
    }
}
