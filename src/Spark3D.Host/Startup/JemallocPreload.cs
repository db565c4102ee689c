using System.Collections;
using System.Runtime.InteropServices;

namespace Spark3D.Host.Startup;

/// <summary>
/// Makes `spark3d` run under jemalloc on Linux: libtorch's large tensors otherwise go through glibc's mmap/munmap on
/// every step (about 6× slower CPU training; docs/cuda.md, spec platform notes). jemalloc only works when preloaded
/// before the process starts, so the program re-executes itself in place with execve — same PID, so a supervisor's
/// `kill -9` still stops the real run — with LD_PRELOAD and MALLOC_CONF set.
/// </summary>
/// <remarks>
/// Skipped when: not Linux; SPARK3D_NO_JEMALLOC=1; jemalloc is already mapped; the library file is missing (a one-line
/// hint goes to stderr); the entry assembly is not spark3d (e.g. a test host calling Main); or this process is already
/// the re-executed one (guard variable), so it can never loop.
/// SPARK3D_JEMALLOC overrides the library path.
/// </remarks>
public static partial class JemallocPreload
{
    /// <summary>Debian's libjemalloc2.</summary>
    public const string DefaultLibrary = "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2";

    /// <summary>Decay off: freed pages stay with the process, as the measured 1.05 s/step configuration.</summary>
    public const string MallocConf = "dirty_decay_ms:-1,muzzy_decay_ms:-1";

    /// <summary>Set to 1 to run with the default allocator.</summary>
    public const string DisableVariable = "SPARK3D_NO_JEMALLOC";

    /// <summary>Overrides <see cref="DefaultLibrary"/>.</summary>
    public const string LibraryVariable = "SPARK3D_JEMALLOC";

    /// <summary>Set in the re-executed image to the PID seen before execve (the loop guard, and evidence).</summary>
    public const string ReexecGuardVariable = "SPARK3D_JEMALLOC_REEXEC_FROM_PID";

    private static bool hinted;

    /// <summary>
    /// Call first thing in Main. Returns only when no re-exec happens (or it failed); on success the process image
    /// is replaced and this never returns.
    /// </summary>
    public static void EnsurePreloaded()
    {
        if (!OperatingSystem.IsLinux()) return;
        // Only the spark3d program itself: a test host calling Program.Main in-process must never be re-executed.
        if (System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name != "spark3d") return;
        if (Environment.GetEnvironmentVariable(DisableVariable) == "1") return;
        if (IsJemallocMapped()) return;
        var library = Environment.GetEnvironmentVariable(LibraryVariable) is { Length: > 0 } custom ? custom : DefaultLibrary;
        if (!File.Exists(library))
        {
            Hint($"spark3d: hint: {library} not found; CPU training is ~6x slower with glibc malloc. Install it (apt-get install libjemalloc2) or set {DisableVariable}=1 to silence this.");
            return;
        }
        if (Environment.GetEnvironmentVariable(ReexecGuardVariable) is not null)
        {
            Hint($"spark3d: hint: re-executed with LD_PRELOAD={library} but jemalloc is not mapped; continuing with the default allocator.");
            return;
        }
        Reexec(library);
    }

    /// <summary>Whether a jemalloc library is mapped into this process (/proc/self/maps).</summary>
    public static bool IsJemallocMapped()
    {
        try
        {
            return File.ReadLines("/proc/self/maps").Any(l => l.Contains("jemalloc", StringComparison.Ordinal));
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static void Hint(string line)
    {
        if (hinted) return;
        hinted = true;
        Console.Error.WriteLine(line);
    }

    private static void Reexec(string library)
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
            Hint($"spark3d: hint: cannot re-exec under jemalloc ({e.Message}); continuing with the default allocator.");
            return;
        }

        var env = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry kv in Environment.GetEnvironmentVariables())
            env[(string)kv.Key] = (string?)kv.Value ?? "";
        env["LD_PRELOAD"] = env.TryGetValue("LD_PRELOAD", out var pre) && pre.Length > 0 ? $"{library}:{pre}" : library;
        if (!env.ContainsKey("MALLOC_CONF")) env["MALLOC_CONF"] = MallocConf; // a user's own setting wins
        env[ReexecGuardVariable] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);

        Console.Out.Flush();
        Console.Error.Flush();
        var errno = Execve(exe, argv, env.Select(kv => $"{kv.Key}={kv.Value}").ToArray());
        Hint($"spark3d: hint: execve({exe}) failed (errno {errno}); continuing with the default allocator.");
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
