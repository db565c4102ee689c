namespace Spark3D.Data.Nifti;

/// <summary>File-name rules: which file holds the header, and where a pair's image data lives.</summary>
internal static class NiftiPaths
{
    /// <summary>The header file for a user-given path: an .img/.img.gz path maps to its .hdr/.hdr.gz sibling.</summary>
    public static string HeaderFileFor(string path)
    {
        foreach (var (img, hdr) in new[] { (".img.gz", ".hdr.gz"), (".img", ".hdr") })
        {
            if (!path.EndsWith(img, StringComparison.OrdinalIgnoreCase)) continue;
            string stem = path[..^img.Length];
            foreach (string candidate in new[] { stem + hdr, stem + ".hdr", stem + ".hdr.gz" })
                if (File.Exists(candidate)) return candidate;
            throw new NiftiFormatException(path, $"image file without header: expected {stem + ".hdr"}");
        }
        return path;
    }

    /// <summary>
    /// Where the voxels are: the header file itself for a single file, else the first of stem.img / stem.img.gz
    /// that exists (stem.img when neither exists; the reader then reports it missing).
    /// </summary>
    public static (string Path, bool Compressed) DataFileFor(string headerPath, bool isPair)
    {
        if (!isPair) return (headerPath, false);
        string stem = headerPath;
        foreach (string ext in new[] { ".hdr.gz", ".hdr", ".nii.gz", ".nii" })
            if (headerPath.EndsWith(ext, StringComparison.OrdinalIgnoreCase)) { stem = headerPath[..^ext.Length]; break; }
        if (File.Exists(stem + ".img")) return (stem + ".img", false);
        if (File.Exists(stem + ".img.gz")) return (stem + ".img.gz", true);
        return (stem + ".img", false);
    }
}
