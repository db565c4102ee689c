using System.Diagnostics;
using System.Globalization;

namespace Spark3D.Bench;

/// <summary>
/// GPU memory a process holds, as nvidia-smi reports it (TorchSharp 0.107 exposes no CUDA memory statistics). The
/// caching allocator keeps what it reserved, so at the end of a run this is its peak reserve plus the CUDA context.
/// </summary>
internal static class GpuMemoryProbe
{
    /// <summary>MiB used by <paramref name="pid"/>; the whole GPU's used memory when per-process figures are missing
    /// (PID namespaces, virtual machines); -1 when nvidia-smi cannot answer.</summary>
    public static double UsedMib(int pid)
    {
        string? perProcess = Query("--query-compute-apps=pid,used_memory --format=csv,noheader,nounits");
        foreach (string line in (perProcess ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var cells = line.Split(',', StringSplitOptions.TrimEntries);
            if (cells.Length == 2 && cells[0] == pid.ToString(CultureInfo.InvariantCulture)
                && double.TryParse(cells[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double mib)) return mib;
        }
        string? total = Query("--query-gpu=memory.used --format=csv,noheader,nounits");
        return total is not null && double.TryParse(total.Split('\n')[0].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double all) ? all : -1;
    }

    private static string? Query(string arguments)
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo("nvidia-smi", arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false });
            if (p is null) return null;
            string output = p.StandardOutput.ReadToEnd();
            p.WaitForExit(10_000);
            return p.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // no nvidia-smi
        }
    }
}
