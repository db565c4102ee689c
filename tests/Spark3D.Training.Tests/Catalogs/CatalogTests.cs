using Spark3D.Data.Cache;
using Spark3D.Data.Volumes;
using Spark3D.Tests.Shared;
using Spark3D.Training.Catalogs;

namespace Spark3D.Training.Tests.Catalogs;

public class CatalogTests
{
    private static ManifestEntry Entry(string id, ManifestStatus status, string? output) => new()
    {
        Id = id,
        SourcePath = "/src/" + id,
        ContentHash = "hash-" + id,
        Status = status,
        OutputFile = output,
        Reason = status == ManifestStatus.Failed ? "NaN voxels" : null,
    };

    [Fact]
    public void Cache_catalog_takes_ok_entries_with_existing_files_sorted_by_id()
    {
        using var fx = new DataFixture();
        var v = DataFixture.Filled(new Shape3(8, 8, 8), i => i);
        fx.WriteCache("c.s3d", v);
        fx.WriteCache("sub/a.s3d", v);
        fx.WriteCache("b.s3d", v);
        fx.WriteCache("orphan.s3d", v); // on disk but not in the manifest
        using (var m = DatasetManifest.Load(Path.Combine(fx.Root, "manifest.jsonl")))
        {
            m.Append(Entry("c", ManifestStatus.Ok, "c.s3d"));
            m.Append(Entry("b", ManifestStatus.Failed, null));
            m.Append(Entry("sub-a", ManifestStatus.Ok, "sub/a.s3d"));
            m.Append(Entry("gone", ManifestStatus.Ok, "gone.s3d"));
            m.Append(Entry("b", ManifestStatus.Ok, "b.s3d")); // a later retry wins
            m.Append(Entry("d", ManifestStatus.Failed, null));
        }

        var cat = CacheVolumeCatalog.Open(fx.Root);

        Assert.True(cat.FromManifest);
        Assert.Equal(["b", "c", "sub-a"], cat.Volumes.Select(x => x.Id));
        Assert.Equal(Path.Combine(fx.Root, "sub", "a.s3d"), cat.Volumes[2].Path);
        Assert.Equal(["d", "gone"], cat.Excluded.Select(x => x.Id));
        Assert.Contains("missing", cat.Excluded[1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Cache_catalog_without_manifest_lists_s3d_files_recursively_in_order_with_the_ids_of_their_sources()
    {
        using var fx = new DataFixture();
        var v = DataFixture.Filled(new Shape3(8, 8, 8), i => i);
        fx.WriteCache("z.s3d", v);
        fx.WriteCache("a/y.s3d", v);
        fx.WriteCache("a/b.s3d", v);
        fx.WriteBytes("notes.txt", [1, 2]);
        fx.WriteBytes("a/.x.s3d.1234.tmp", [1]);
        fx.WriteBytes("a/b.labels.s3d", [1]); // a label map, not a volume
        fx.WriteBytes(".hidden/c.s3d", [1]);

        var cat = CacheVolumeCatalog.Open(fx.Root);

        Assert.False(cat.FromManifest);
        Assert.Equal(["a/b", "a/y", "z"], cat.Volumes.Select(x => x.Id));
        Assert.All(cat.Volumes, x => Assert.True(File.Exists(x.Path)));
    }

    [Fact]
    public void Nifti_catalog_lists_nifti_files_recursively_in_order_with_the_preprocess_ids()
    {
        using var fx = new DataFixture();
        foreach (var name in new[] { "s2/t1.nii.gz", "s1/t1.nii", "s1/pair.hdr", "s1/pair.img", "readme.md", "b.NII", "s3/deep/x.nii",
                     "twin.nii", "twin.nii.gz", ".git/x.nii", "s1/.hidden.nii" })
            fx.WriteBytes(name, [0]);

        var cat = NiftiFolderCatalog.Open(fx.Root);

        // The ids `spark3d preprocess` gives the same files (VolumeIds): no extension, unless two files would collide.
        Assert.Equal(["b", "s1/pair", "s1/t1", "s2/t1", "s3/deep/x", "twin.nii", "twin.nii.gz"], cat.Volumes.Select(x => x.Id));
        Assert.Equal(VolumeSourceScanner.Scan(fx.Root).Select(s => s.Id).Order(StringComparer.Ordinal), cat.Volumes.Select(x => x.Id));
        Assert.Equal(cat.Volumes.Select(x => x.Id), NiftiFolderCatalog.Open(fx.Root).Volumes.Select(x => x.Id)); // stable
    }

    [Fact]
    public void Missing_folders_are_a_clear_error()
    {
        var missing = Path.Combine(Path.GetTempPath(), "spark3d-no-such-" + Guid.NewGuid().ToString("N"));
        Assert.Contains(missing, Assert.Throws<DirectoryNotFoundException>(() => CacheVolumeCatalog.Open(missing)).Message, StringComparison.Ordinal);
        Assert.Throws<DirectoryNotFoundException>(() => NiftiFolderCatalog.Open(missing));
    }
}
