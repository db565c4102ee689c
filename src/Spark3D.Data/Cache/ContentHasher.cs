using System.Security.Cryptography;

namespace Spark3D.Data.Cache;

/// <summary>Content identity of source files: SHA-256 of the bytes, lowercase hex (what the manifest keys reruns on).</summary>
public static class ContentHasher
{
    public static string HashFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        return Convert.ToHexStringLower(SHA256.HashData(fs));
    }

    public static string HashBytes(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
