using System.Runtime.InteropServices;

namespace Spark3D.Host.Startup;

/// <summary>
/// Replaces this process's image with a fresh start of the same command line under another environment (execve):
/// same PID, so a supervisor's `kill -9` still stops the real run. Used once, by <see cref="StartupEnvironment"/>,
/// for variables that must be in place before the process starts (LD_PRELOAD) or before libtorch loads.
/// </summary>
internal static partial class Reexec
{
    /// <summary>Set in the re-executed image to the PID seen before execve: the loop guard, and evidence.</summary>
    public const string GuardVariable = "SPARK3D_REEXEC_FROM_PID";

    /// <summary>Whether this process is already the re-executed image.</summary>
    public static bool HasHappened => Environment.GetEnvironmentVariable(GuardVariable) is not null;

    /// <summary>Re-executes with <paramref name="environment"/> (plus the guard variable). Returns only when that
    /// failed, with the reason.</summary>
    public static string Run(IReadOnlyDictionary<string, string> environment)
    {
        string exe;
        string[] argv;
        try
        {
            // /proc/self/exe is the dotnet host for `dotnet spark3d.dll …` and the apphost otherwise; cmdline holds the
            // original argv in both cases, so re-running it reproduces the invocation exactly.
            exe = new FileInfo("/proc/self/exe").LinkTarget ?? throw new IOException("/proc/self/exe has no target");
            var cmdline = File.ReadAllBytes("/proc/self/cmdline");
            argv = System.Text.Encoding.UTF8.GetString(cmdline).TrimEnd('\0').Split('\0');
        }
        catch (IOException e)
        {
            return e.Message;
        }

        var env = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in environment) env[k] = v;
        env[GuardVariable] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);

        Console.Out.Flush();
        Console.Error.Flush();
        var errno = Execve(exe, argv, env.Select(kv => $"{kv.Key}={kv.Value}").ToArray());
        return $"execve({exe}) failed (errno {errno})";
    }

    // Marshals NUL-terminated UTF-8 argv/envp arrays and calls execve; returns errno when it fails (it never returns
    // on success).
    private static unsafe int Execve(string path, string[] argv, string[] envp)
    {
        var allocated = new List<IntPtr>();
        IntPtr Utf8(string s)
        {
            var p = Marshal.StringToCoTaskMemUTF8(s);
            allocated.Add(p);
            return p;
        }
        try
        {
            var args = new IntPtr[argv.Length + 1];
            for (var i = 0; i < argv.Length; i++) args[i] = Utf8(argv[i]);
            var envs = new IntPtr[envp.Length + 1];
            for (var i = 0; i < envp.Length; i++) envs[i] = Utf8(envp[i]);
            fixed (IntPtr* a = args)
            fixed (IntPtr* e = envs)
            {
                _ = ExecveNative(Utf8(path), a, e);
                return Marshal.GetLastPInvokeError();
            }
        }
        finally
        {
            foreach (var p in allocated) Marshal.FreeCoTaskMem(p);
        }
    }

    [LibraryImport("libc", EntryPoint = "execve", SetLastError = true)]
    private static unsafe partial int ExecveNative(IntPtr path, IntPtr* argv, IntPtr* envp);
}
