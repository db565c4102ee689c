using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Spark3D.Host.Tests.Architecture;

/// <summary>
/// The layering of docs/architecture.md, enforced: Data ← Model ← Training ← Actors ← Host, nothing points back, only
/// Actors knows Akka and Data knows no torch. Checked twice: what each project declares (its .csproj) and what its compiled assembly
/// really references. Also: every source file's namespace is its project and folder.
/// </summary>
public partial class DependencyDirectionTests
{
    // Project → the projects it may reference. The Host's assembly is called spark3d.
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["Spark3D.Data"] = [],
        ["Spark3D.Model"] = ["Spark3D.Data"],
        ["Spark3D.Training"] = ["Spark3D.Data", "Spark3D.Model"],
        ["Spark3D.Actors"] = ["Spark3D.Data", "Spark3D.Model", "Spark3D.Training"],
        ["Spark3D.Host"] = ["Spark3D.Data", "Spark3D.Model", "Spark3D.Training", "Spark3D.Actors"],
    };

    private static readonly Dictionary<string, Assembly> Assemblies = new()
    {
        ["Spark3D.Data"] = typeof(Data.Volumes.Volume).Assembly,
        ["Spark3D.Model"] = typeof(Model.Training.TrainingStep).Assembly,
        ["Spark3D.Training"] = typeof(Training.Ports.IPatchProducer).Assembly,
        ["Spark3D.Actors"] = typeof(Actors.Pipeline.PipelineRunner).Assembly,
        ["Spark3D.Host"] = typeof(Program).Assembly,
    };

    private static readonly string Repo = FindRepo();

    [Fact]
    public void Compiled_assemblies_reference_only_lower_layers_and_only_Actors_and_Host_load_Akka()
    {
        var names = Assemblies.ToDictionary(kv => kv.Value.GetName().Name!, kv => kv.Key);
        foreach (var (project, assembly) in Assemblies)
        {
            var references = assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
            var ours = references.Where(names.ContainsKey).Select(n => names[n]);
            Assert.All(ours, r => Assert.True(Allowed[project].Contains(r), $"{project} references {r}"));
            bool akka = references.Any(r => r.StartsWith("Akka", StringComparison.Ordinal));
            Assert.True(!akka || project is "Spark3D.Actors" or "Spark3D.Host", $"{project} references Akka");
        }
        Assert.Contains(Assemblies["Spark3D.Actors"].GetReferencedAssemblies(), a => a.Name == "Akka"); // the check can fail
        // Data is pure: no torch (and so no native libraries) below Model.
        Assert.DoesNotContain(Assemblies["Spark3D.Data"].GetReferencedAssemblies(), a => a.Name!.StartsWith("TorchSharp", StringComparison.Ordinal));
    }

    [Fact]
    public void Project_files_declare_only_lower_layers_and_only_Actors_declares_Akka()
    {
        foreach (var (project, allowed) in Allowed)
        {
            var csproj = XDocument.Load(Path.Combine(Repo, "src", project, project + ".csproj"));
            var projects = csproj.Descendants("ProjectReference")
                .Select(e => Path.GetFileNameWithoutExtension(e.Attribute("Include")!.Value.Replace('\\', '/'))).ToList();
            Assert.All(projects, p => Assert.True(allowed.Contains(p), $"{project}.csproj references {p}"));
            var packages = csproj.Descendants("PackageReference").Select(e => e.Attribute("Include")!.Value);
            Assert.True(project == "Spark3D.Actors" || !packages.Any(p => p.StartsWith("Akka", StringComparison.Ordinal)),
                $"{project}.csproj declares an Akka package");
        }
    }

    [Fact]
    public void Every_source_file_declares_the_namespace_of_its_project_and_folder()
    {
        var wrong = new List<string>();
        foreach (var project in Allowed.Keys)
        {
            string root = Path.Combine(Repo, "src", project);
            foreach (var file in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories))
            {
                string relative = Path.GetRelativePath(root, file);
                if (relative.StartsWith("bin", StringComparison.Ordinal) || relative.StartsWith("obj", StringComparison.Ordinal)) continue;
                string folder = Path.GetDirectoryName(relative)!.Replace(Path.DirectorySeparatorChar, '.');
                string expected = folder.Length == 0 ? project : project + "." + folder;
                var match = Namespace().Match(File.ReadAllText(file));
                if (!match.Success || match.Groups[1].Value != expected) wrong.Add($"{relative}: {match.Groups[1].Value} (expected {expected})");
            }
        }
        Assert.Empty(wrong);
    }

    [GeneratedRegex(@"^namespace\s+([\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex Namespace();

    private static string FindRepo()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Spark3D.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("Spark3D.sln not found above " + AppContext.BaseDirectory);
    }
}
