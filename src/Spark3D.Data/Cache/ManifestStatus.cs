namespace Spark3D.Data.Cache;

/// <summary>Outcome of preprocessing one source volume. Serialised as "ok" / "failed".</summary>
public enum ManifestStatus
{
    Ok = 0,
    Failed = 1,
}
