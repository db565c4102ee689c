namespace Spark3D.Actors.Cluster;

/// <summary>
/// The one check on an output path a worker reports: it must name a file inside the output root, written relative to
/// it. The coordinator does not know the root (it may differ per node), so the check is on the text: not empty, not
/// rooted, no drive or stream colon, no control characters, no empty, <c>.</c> or <c>..</c> segment under either
/// separator. What passes, combined with any root, stays under that root. Symbolic links inside the root are not
/// followed here (a worker that can write the shared output folder can place one; see docs/security.md).
/// </summary>
public static class ResultPaths
{
    /// <summary>Longest output path accepted.</summary>
    public const int MaxLength = 1024;

    /// <summary>Null when <paramref name="relativePath"/> stays inside the output root; otherwise why not.</summary>
    public static string? Problem(string? relativePath)
    {
        if (string.IsNullOrEmpty(relativePath))
        {
            return "empty output path";
        }

        if (relativePath.Length > MaxLength)
        {
            return $"output path longer than {MaxLength} characters";
        }

        if (relativePath[0] is '/' or '\\' || Path.IsPathRooted(relativePath) || relativePath.Contains(':', StringComparison.Ordinal))
        {
            return "output path is absolute (it must be relative to the output folder)";
        }

        if (relativePath.Any(char.IsControl))
        {
            return "output path contains control characters";
        }

        foreach (var segment in relativePath.Split('/', '\\'))
        {
            if (segment is "" or "." or "..")
            {
                return $"output path has a '{segment}' segment (it must stay inside the output folder)";
            }
        }

        return null;
    }
}
