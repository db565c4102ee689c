using Spark3D.Data.Cache;
using Spark3D.Training.Ports;

namespace Spark3D.Training.Catalogs;

/// <summary>Raw NIfTI files found recursively below a folder (<c>spark3d pretrain --data RAW</c>), found and named
/// exactly as <c>spark3d preprocess</c> finds and names them (<see cref="VolumeSourceScanner.ScanFolder"/>, ids by
/// <see cref="VolumeIds"/>), sorted ordinally by id so the order is stable between runs.</summary>
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

    /// <summary>Lists <paramref name="dir"/>; throws <see cref="DirectoryNotFoundException"/> when it is missing.</summary>
    public static NiftiFolderCatalog Open(string dir)
    {
        ArgumentException.ThrowIfNullOrEmpty(dir);
        if (!System.IO.Directory.Exists(dir)) throw new DirectoryNotFoundException($"NIfTI folder '{dir}' does not exist.");
        var volumes = VolumeSourceScanner.ScanFolder(dir)
            .Select(s => new VolumeRef(s.Id, s.SourcePath))
            .OrderBy(v => v.Id, StringComparer.Ordinal)
            .ToList();
        return new NiftiFolderCatalog(Path.GetFullPath(dir), volumes);
    }
}
