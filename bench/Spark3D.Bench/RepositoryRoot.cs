namespace Spark3D.Bench;

/// <summary>The repository the bench runs from: the first folder above the binary that holds Spark3D.sln.</summary>
internal static class RepositoryRoot
{
    public static string Find()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Spark3D.sln"))) return d.FullName;
        throw new InvalidOperationException("Spark3D.sln not found above " + AppContext.BaseDirectory);
    }
}
