using System.Diagnostics;
using System.Globalization;

namespace Spark3D.Model.Memory;

/// <summary>
/// Free GPU memory. TorchSharp 0.107 exposes no CUDA memory query (no mem_get_info, no memory stats), so this asks
/// <c>nvidia-smi --query-gpu=memory.free</c> for the first GPU the process sees (CUDA_VISIBLE_DEVICES' first entry).
/// </summary>
public static class GpuMemory
{
    /// <summary>Free bytes of the GPU in use, or null with the reason.</summary>
    public static (long? Bytes, string Source) ReadFree()
    {
        string gpu = FirstVisibleGpu(Environment.GetEnvironmentVariable("CUDA_VISIBLE_DEVICES"));
        try
        {
            var psi = new ProcessStartInfo("nvidia-smi", $"--query-gpu=memory.free --format=csv,noheader,nounits -i {gpu}")
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            };
            using var p = Process.Start(psi)!;
            string output = p.StandardOutput.ReadToEnd();
            if (!p.WaitForExit(10_000) || p.ExitCode != 0) return (null, $"nvidia-smi failed for GPU {gpu}");
            var mib = ParseFreeMib(output);
            return mib is { } m ? (m << 20, $"nvidia-smi memory.free of GPU {gpu}") : (null, $"nvidia-smi gave no number for GPU {gpu}");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return (null, "nvidia-smi is not on PATH");
        }
    }

    /// <summary>The first entry of CUDA_VISIBLE_DEVICES (an index or a GPU UUID), or "0".</summary>
    public static string FirstVisibleGpu(string? cudaVisibleDevices)
    {
        var first = cudaVisibleDevices?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        return string.IsNullOrEmpty(first) ? "0" : first;
    }

    /// <summary>The first line's number of `--format=csv,noheader,nounits` output (MiB).</summary>
    public static long? ParseFreeMib(string output)
    {
        var line = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        return long.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out long mib) ? mib : null;
    }
}
