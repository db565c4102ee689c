using System.Diagnostics;
using System.Text.Json;
using Spark3D.Data.Volumes;

namespace Spark3D.Data.Tests.Preprocessing;

/// <summary>
/// Runs tests/python/scipy_reference.py with Debian's /usr/bin/python3 (nibabel + scipy, installed by
/// scripts/test.sh) in a temp folder and reads back its raw float32 dumps (X fastest + a JSON header).
/// </summary>
internal sealed class PythonReference : IDisposable
{
    public const string Templates = "/usr/share/mricron/templates";

    public PythonReference() => Folder = Directory.CreateTempSubdirectory("spark3d-preproc-").FullName;

    public string Folder { get; }

    public string Run(params string[] args)
    {
        var script = Path.Combine(RepoRoot(), "tests", "python", "scipy_reference.py");
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add(args[0]);
        psi.ArgumentList.Add(args[1]);
        psi.ArgumentList.Add(Folder);
        foreach (var a in args.Skip(2)) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"scipy_reference.py {string.Join(' ', args)} failed: {stderr}");
        return stdout.Result;
    }

    /// <summary>Reads NAME.f32 + NAME.json written by the script.</summary>
    public Volume Load(string name)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, name + ".json")));
        var root = json.RootElement;
        var shape = root.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var spacing = root.GetProperty("spacing").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var affine = root.GetProperty("affine").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var bytes = File.ReadAllBytes(Path.Combine(Folder, name + ".f32"));
        var voxels = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, voxels, 0, bytes.Length);
        return new Volume(voxels, new Shape3(shape[0], shape[1], shape[2]), new Spacing3(spacing[0], spacing[1], spacing[2]), new Affine(affine));
    }

    public static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Spark3D.sln"))) return d.FullName;
        throw new InvalidOperationException("Spark3D.sln not found above " + AppContext.BaseDirectory);
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
