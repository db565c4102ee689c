using Spark3D.Training.Ports;

namespace Spark3D.Training.Catalogs;

/// <summary>Raw NIfTI files (<c>.nii</c>, <c>.nii.gz</c>, <c>.hdr</c> of a pair) found recursively below a folder; id =
/// the path relative to it, sorted ordinally so the order is stable between runs.</summary>
public sealed class NiftiFolderCatalog : IVolumeCatalog
{
    private NiftiFolderCatalog(string directory, IReadOnlyList<VolumeRef> volumes)
    {
        Directory = directory;
        Volumes = volumes;
    }

    /// <summary>The folder (full path).</summary>
    public string Directory { get; }

    /// <inheritdoc />
    public IReadOnlyList<VolumeRef> Volumes { get; }

    /// <summary>True for the file names this catalog takes (hidden files excluded).</summary>
    public static bool IsNiftiName(string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        return !fileName.StartsWith('.') &&
               (fileName.EndsWith(".nii", StringComparison.OrdinalIgnoreCase) ||
                fileName.EndsWith(".nii.gz", StringComparison.OrdinalIgnoreCase) ||
                fileName.EndsWith(".hdr", StringComparison.OrdinalIgnoreCase) ||
                fileName.EndsWith(".hdr.gz", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Lists <paramref name="dir"/>; throws <see cref="DirectoryNotFoundException"/> when it is missing.</summary>
    public static NiftiFolderCatalog Open(string dir)
    {
        CatalogPaths.RequireDirectory(dir, "NIfTI folder");
        string full = Path.GetFullPath(dir);
        return new NiftiFolderCatalog(full, CatalogPaths.List(full, IsNiftiName));
    }
}
