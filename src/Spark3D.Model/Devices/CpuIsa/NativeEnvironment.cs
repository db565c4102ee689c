using System.Runtime.InteropServices;

namespace Spark3D.Model.Devices.CpuIsa;

/// <summary>
/// Sets a variable in the C library's environment. On Unix, .NET's Environment.SetEnvironmentVariable changes only
/// the runtime's own copy, which native code never sees; oneDNN reads ONEDNN_MAX_CPU_ISA with getenv when it creates
/// its first primitive, so an in-process cap needs setenv before then (verified: after the first conv3d it is ignored).
/// </summary>
public static partial class NativeEnvironment
{
    /// <summary>setenv(name, value, 1) in libc, and the same in .NET's copy so child processes inherit it.</summary>
    /// <exception cref="InvalidOperationException">setenv failed.</exception>
    public static void Set(string name, string value)
    {
        Environment.SetEnvironmentVariable(name, value);
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return;
        if (SetEnv(name, value, 1) != 0)
            throw new InvalidOperationException($"setenv({name}) failed (errno {Marshal.GetLastPInvokeError()}).");
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
