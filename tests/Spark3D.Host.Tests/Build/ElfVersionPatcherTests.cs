using Spark3D.Build;

namespace Spark3D.Host.Tests.Build;

public class ElfVersionPatcherTests
{
    private static string PackagedLibTorchSharp()
    {
        string root = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string path = Path.Combine(root, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.True(File.Exists(path), $"TorchSharp package not restored at {path}");
        return path;
    }

    [Fact]
    public void Weakens_the_GLIBCXX_3_4_32_requirement_of_the_shipped_library_once()
    {
        byte[] original = File.ReadAllBytes(PackagedLibTorchSharp());
        byte[] copy = (byte[])original.Clone();

        Assert.Equal(ElfPatchResult.Patched, ElfVersionPatcher.MakeVersionWeak(copy, "GLIBCXX_3.4.32"));
        int changed = original.Zip(copy).Count(p => p.First != p.Second);
        Assert.Equal(1, changed); // exactly the low byte of one vna_flags field
        Assert.Equal(ElfPatchResult.AlreadyWeak, ElfVersionPatcher.MakeVersionWeak(copy, "GLIBCXX_3.4.32"));
        Assert.Equal(ElfPatchResult.VersionNotRequired, ElfVersionPatcher.MakeVersionWeak(copy, "GLIBCXX_9.9.99"));
    }

    [Fact]
    public void Output_folder_copy_is_patched_when_the_system_lacks_the_version()
    {
        string built = Directory.GetFiles(AppContext.BaseDirectory, "libLibTorchSharp.so", SearchOption.AllDirectories).Single();
        bool systemHasIt = ElfVersionPatcher.FileDefinesVersion("/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "GLIBCXX_3.4.32");
        var result = ElfVersionPatcher.MakeVersionWeak(File.ReadAllBytes(built), "GLIBCXX_3.4.32");
        Assert.Equal(systemHasIt ? ElfPatchResult.Patched : ElfPatchResult.AlreadyWeak, result);
    }

    [Fact]
    public void Rejects_files_that_are_not_elf64()
    {
        Assert.Throws<ElfFormatException>(() => ElfVersionPatcher.MakeVersionWeak(new byte[100], "X"));
        byte[] truncated = File.ReadAllBytes(PackagedLibTorchSharp()).AsSpan(0, 4096).ToArray();
        Assert.Throws<ElfFormatException>(() => ElfVersionPatcher.MakeVersionWeak(truncated, "GLIBCXX_3.4.32"));
    }
}
