using System.Globalization;

namespace Spark3D.Model.Devices.CpuIsa;

/// <summary>
/// Which libtorch build a process will load, told apart before loading it: the size of its libtorch_cpu.so (the file
/// that holds oneDNN), which differs between libtorch releases and between CPU and CUDA builds. Loading libtorch just
/// to ask torch.__version__ is what the guard must not do before its decision.
/// </summary>
public static class LibTorchIdentity
{
    /// <summary>"libtorch_cpu.so N bytes" for the external folder <paramref name="libTorchPath"/> when given, else for
    /// the copy that ships next to the program (the NuGet runtimes folder, or the publish root); "libtorch unknown"
    /// when none is found.</summary>
    public static string Describe(string? libTorchPath)
    {
        string? file = null;
        if (!string.IsNullOrWhiteSpace(libTorchPath))
        {
            try
            {
                file = Path.Combine(LibTorchPreloader.ResolveLibraryFolder(libTorchPath), "libtorch_cpu.so");
            }
            catch (DeviceUnavailableException)
            {
                return "libtorch unknown (" + libTorchPath + ")"; // the run itself reports the bad folder
            }
        }
        else
        {
            string[] bundled =
            [
                Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libtorch_cpu.so"),
                Path.Combine(AppContext.BaseDirectory, "libtorch_cpu.so"),
            ];
            file = bundled.FirstOrDefault(File.Exists);
        }
        return file is not null && File.Exists(file)
            ? string.Create(CultureInfo.InvariantCulture, $"libtorch_cpu.so {new FileInfo(file).Length} bytes")
            : "libtorch unknown";
    }
}
