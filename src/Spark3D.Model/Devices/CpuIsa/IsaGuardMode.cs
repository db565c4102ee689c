namespace Spark3D.Model.Devices.CpuIsa;

/// <summary><c>spark3d.model.device.cpu-isa-guard</c>.</summary>
public enum IsaGuardMode
{
    /// <summary>Cap oneDNN at AVX2 on known-bad CPUs and where the self-check finds wrong results.</summary>
    Auto,
    /// <summary>Never cap, never check.</summary>
    Off,
}
