using System.Diagnostics;
using System.Text.Json;
using Spark3D.Model.Interop;
using Spark3D.Model.Tests.Checkpoints;
using Spark3D.Model.Tests.Training;
using static TorchSharp.torch;

namespace Spark3D.Model.Tests.Interop;

/// <summary>State dicts cross to Debian's PyTorch 1.13 (/usr/bin/python3) and back with names, shapes and values.</summary>
public class PyTorchInteropTests
{
    private static readonly JsonSerializerOptions CaseInsensitive = new() { PropertyNameCaseInsensitive = true };

    private sealed record Entry(long[] Shape, string Dtype, double Sum, double Abs_sum, double First);

    private static string Script()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Spark3D.sln"))) dir = dir.Parent;
        Assert.NotNull(dir);
        return Path.Combine(dir.FullName, "tests", "python", "torch_state_dict_tool.py");
    }

    private static Dictionary<string, Entry> Python(params string[] args)
    {
        Assert.True(File.Exists("/usr/bin/python3"), "Debian python3 missing (scripts/test.sh installs python3-torch)");
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Script());
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment.Remove("LD_PRELOAD"); // python's torch needs no jemalloc here
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"python failed ({p.ExitCode}): {stderr}");
        return JsonSerializer.Deserialize<Dictionary<string, Entry>>(stdout.Result, CaseInsensitive)!;
    }

    private static void AssertMatches(Entry e, Tensor t, string name)
    {
        Assert.Equal(e.Shape, t.shape);
        using var t64 = t.detach().to_type(ScalarType.Float64);
        Assert.True(Math.Abs(e.Sum - t64.sum().item<double>()) <= 1e-9 * Math.Max(1, Math.Abs(e.Sum)), $"{name}: sum {e.Sum} vs {t64.sum().item<double>()}");
        Assert.True(Math.Abs(e.Abs_sum - t64.abs().sum().item<double>()) <= 1e-9 * Math.Max(1, e.Abs_sum), name);
        Assert.Equal(e.First, t64.flatten()[0].item<double>());
    }

    [Fact]
    public void Exported_state_dict_loads_in_pytorch_with_the_same_names_shapes_and_values()
    {
        using var dir = new TempDir();
        using var net = TestNets.Create(41);
        var file = Path.Combine(dir.Path, "net.pt");
        StateDictFiles.Export(net, file);

        var seen = Python("describe", file);
        var ours = net.state_dict();
        Assert.Equal(ours.Keys.OrderBy(k => k, StringComparer.Ordinal), seen.Keys.OrderBy(k => k, StringComparer.Ordinal));
        Assert.Contains("encoder.stem.conv.weight", seen.Keys);
        foreach (var (name, t) in ours)
        {
            Assert.Equal("float32", seen[name].Dtype);
            AssertMatches(seen[name], t, name);
        }

        // Our own export passes the pickle inspector on the way back in.
        var back = StateDictFiles.Read(file);
        Assert.Equal(ours.Count, back.Count);
        foreach (var t in back.Values) t.Dispose();
    }

    [Fact]
    public void A_state_dict_saved_by_pytorch_imports_into_the_module_and_reads_as_a_dictionary()
    {
        using var dir = new TempDir();
        using var net = TestNets.Create(42);
        var spec = net.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.shape);
        var specFile = Path.Combine(dir.Path, "spec.json");
        File.WriteAllText(specFile, JsonSerializer.Serialize(spec));
        var file = Path.Combine(dir.Path, "from_python.pt");
        var written = Python("make", file, specFile);

        var loaded = StateDictFiles.Import(net, file);
        Assert.All(loaded.Values, Assert.True);
        foreach (var (name, t) in net.state_dict()) AssertMatches(written[name], t, name);

        var dict = StateDictFiles.Read(file);
        Assert.Equal(spec.Keys.OrderBy(k => k), dict.Keys.OrderBy(k => k));
        foreach (var (name, t) in dict) AssertMatches(written[name], t, name);
    }

    [Fact]
    public void A_pickle_naming_os_system_is_refused_with_a_typed_error_and_nothing_runs()
    {
        using var dir = new TempDir();
        var file = Path.Combine(dir.Path, "runs-a-command.pt");
        var marker = Path.Combine(dir.Path, "it-ran");
        Python("hostile", file, "global", marker);

        using var net = TestNets.Create(44);
        foreach (var e in new[]
                 {
                     Assert.Throws<StateDictFormatException>(() => StateDictFiles.Import(net, file, strict: false)),
                     Assert.Throws<StateDictFormatException>(() => StateDictFiles.Read(file)),
                 })
        {
            Assert.Contains(file, e.Message, StringComparison.Ordinal);
            Assert.Contains("unknown global 'posix.system'", e.Message, StringComparison.Ordinal);
        }
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public void A_tensor_declaring_more_elements_than_its_storage_is_refused_before_it_is_allocated()
    {
        using var dir = new TempDir();
        var file = Path.Combine(dir.Path, "huge.pt");
        Python("hostile", file, "huge", Path.Combine(dir.Path, "unused"));

        using var net = TestNets.Create(45);
        var e = Assert.Throws<StateDictFormatException>(() => StateDictFiles.Import(net, file, strict: false));
        Assert.Contains(file, e.Message, StringComparison.Ordinal);
        Assert.Contains("shape [1048576, 1048576, 1024]", e.Message, StringComparison.Ordinal);
        Assert.Contains("needs 1,125,899,906,842,624 elements, storage", e.Message, StringComparison.Ordinal);
        Assert.Contains("holds 4", e.Message, StringComparison.Ordinal);
        Assert.Throws<StateDictFormatException>(() => StateDictFiles.Read(file));
    }

    [Fact]
    public void Files_that_are_not_torch_zips_are_a_typed_error()
    {
        using var dir = new TempDir();
        var text = Path.Combine(dir.Path, "text.pt");
        File.WriteAllText(text, "not a zip");
        Assert.Contains(text, Assert.Throws<StateDictFormatException>(() => StateDictFiles.Read(text)).Message);
        var noPickle = Path.Combine(dir.Path, "empty.pt");
        using (var zip = System.IO.Compression.ZipFile.Open(noPickle, System.IO.Compression.ZipArchiveMode.Create)) zip.CreateEntry("x/version");
        Assert.Contains("no data.pkl", Assert.Throws<StateDictFormatException>(() => StateDictFiles.Read(noPickle)).Message);
    }

    [Fact]
    public void Import_with_wrong_names_fails_with_the_file_in_the_message()
    {
        using var dir = new TempDir();
        var specFile = Path.Combine(dir.Path, "spec.json");
        File.WriteAllText(specFile, "{\"something.else.weight\": [2, 3]}");
        var file = Path.Combine(dir.Path, "other.pt");
        Python("make", file, specFile);
        using var net = TestNets.Create(43);
        var e = Assert.Throws<StateDictFormatException>(() => StateDictFiles.Import(net, file));
        Assert.Contains(file, e.Message);

        var missing = Path.Combine(dir.Path, "nope.pt");
        Assert.Contains(missing, Assert.Throws<StateDictFormatException>(() => StateDictFiles.Read(missing)).Message);
    }
}
