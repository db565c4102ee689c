using System.Diagnostics;
using System.Text.Json;

namespace Spark3D.Data.Tests.Nifti;

/// <summary>Runs nibabel_reference.py with Debian's /usr/bin/python3 (nibabel 5.0) and parses its JSON report.</summary>
internal static class NibabelReference
{
    public const string Python = "/usr/bin/python3";

    public static readonly string[] RealFileDirectories =
    [
        "/usr/share/mricron/templates",
        "/usr/lib/python3/dist-packages/nibabel/tests/data",
    ];

    /// <summary>Every .nii, .nii.gz, .hdr, .hdr.gz in the Debian test-data folders.</summary>
    public static IReadOnlyList<string> RealFiles() =>
        RealFileDirectories
            .Where(Directory.Exists)
            .SelectMany(Directory.EnumerateFiles)
            .Where(f => f.EndsWith(".nii", StringComparison.Ordinal) || f.EndsWith(".nii.gz", StringComparison.Ordinal)
                        || f.EndsWith(".hdr", StringComparison.Ordinal) || f.EndsWith(".hdr.gz", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>The script lives next to this file in the source tree; found by walking up from the test binaries.</summary>
    private static string ScriptPath()
    {
        const string relative = "tests/Spark3D.Data.Tests/Nifti/nibabel_reference.py";
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException("cannot find " + relative + " above " + AppContext.BaseDirectory);
    }

    /// <summary>Runs the script on <paramref name="files"/> (plus generated variants in <paramref name="variantDir"/> unless null).</summary>
    public static JsonElement Run(IEnumerable<string> files, string? variantDir)
    {
        string script = ScriptPath();
        string output = Path.Combine(Path.GetTempPath(), $"nibabel-ref-{Guid.NewGuid():N}.json");
        var psi = new ProcessStartInfo(Python) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add(output);
        psi.ArgumentList.Add(variantDir ?? "-");
        foreach (string f in files) psi.ArgumentList.Add(f);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + Python);
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(300_000)) { process.Kill(); throw new TimeoutException("nibabel reference timed out"); }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"nibabel reference failed ({process.ExitCode}); run scripts/test.sh to install python3-nibabel: {stderr.Result}");
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(output));
            return doc.RootElement.Clone();
        }
        finally
        {
            File.Delete(output);
        }
    }
}
