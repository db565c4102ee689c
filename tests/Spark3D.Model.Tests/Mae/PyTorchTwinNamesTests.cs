using System.Diagnostics;
using System.Text.Json;
using Spark3D.Model.Mae;
using static TorchSharp.torch;

namespace Spark3D.Model.Tests.Mae;

/// <summary>The PyTorch twin (bench/python/resenc_unet.py, Debian python3-torch) has exactly our parameter names and shapes.</summary>
public class PyTorchTwinNamesTests
{
    [Theory]
    [InlineData("tiny")]
    [InlineData("resenc-l")]
    public async Task Python_twin_has_the_same_parameter_names_and_shapes(string preset)
    {
        string script = FindRepoFile("bench/python/resenc_unet.py");
        var psi = new ProcessStartInfo("/usr/bin/python3", $"\"{script}\" --names --preset {preset}")
        { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var p = Process.Start(psi)!;
        var errTask = p.StandardError.ReadToEndAsync();
        string output = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        string err = await errTask;
        Assert.True(p.ExitCode == 0, "python twin failed: " + err);

        using var doc = JsonDocument.Parse(output);
        var theirs = doc.RootElement.EnumerateObject().ToDictionary(e => e.Name, e => e.Value.EnumerateArray().Select(v => v.GetInt64()).ToArray());
        using var mae = SparkMae.FromPreset(preset, device: META);
        var ours = mae.named_parameters().ToDictionary(n => n.name, n => n.parameter.shape);
        Assert.Equal(theirs.Keys.Order(), ours.Keys.Order());
        foreach (var (name, shape) in ours) Assert.Equal(theirs[name], shape);
    }

    internal static string FindRepoFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"{relative} not found above {AppContext.BaseDirectory}");
    }
}
