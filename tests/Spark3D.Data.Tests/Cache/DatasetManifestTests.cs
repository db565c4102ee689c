using System.Text;
using Spark3D.Data.Cache;
using Spark3D.Data.Volumes;

namespace Spark3D.Data.Tests.Cache;

public class DatasetManifestTests
{
    private static ManifestEntry Entry(string id, string hash, ManifestStatus status = ManifestStatus.Ok, double ms = 12.5) => new()
    {
        Id = id,
        SourcePath = "/data/" + id + ".nii.gz",
        ContentHash = hash,
        Status = status,
        Reason = status == ManifestStatus.Failed ? "truncated voxel data" : null,
        OutputFile = status == ManifestStatus.Ok ? id + ".s3d" : null,
        OriginalShape = new Shape3(256, 256, 170),
        OriginalSpacing = new Spacing3(0.9, 0.9, 1.2),
        OriginalAffine = new Affine(new double[] { -0.9, 0, 0, 90, 0, 0.9, 0, -120, 0, 0, 1.2, -80, 0, 0, 0, 1 }),
        NewShape = new Shape3(230, 230, 204),
        NewSpacing = Spacing3.Isotropic1mm,
        Stats = new VolumeStats(0.0, 1.0, -1.5, 7.25),
        ElapsedMs = ms,
        TimestampUtc = new DateTimeOffset(2026, 11, 27, 18, 0, 0, TimeSpan.Zero),
    };

    [Fact]
    public void Appended_entries_reload_with_every_field()
    {
        using var dir = new TempDirectory();
        string path = dir.File("manifest.jsonl");
        var a = Entry("a", "aa11");
        var b = Entry("b", "bb22", ManifestStatus.Failed);
        using (var m = DatasetManifest.Load(path))
        {
            m.Append(a);
            m.Append(b);
        }
        var back = DatasetManifest.Load(path);
        Assert.False(back.HadTornLine);
        Assert.Equal(2, back.Entries.Count);
        var ra = back.Entries[0];
        Assert.Equal(a with { OriginalAffine = null }, ra with { OriginalAffine = null });
        Assert.True(a.OriginalAffine!.Equals(ra.OriginalAffine));
        Assert.Equal(ManifestStatus.Failed, back.Entries[1].Status);
        Assert.Equal("truncated voxel data", back.Entries[1].Reason);
        string text = File.ReadAllText(path);
        Assert.Contains("\"status\":\"failed\"", text, StringComparison.Ordinal);
        Assert.Contains("\"newShape\":[230,230,204]", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Latest_entry_wins_per_id_and_content_hash_decides_what_is_done()
    {
        using var dir = new TempDirectory();
        using var m = DatasetManifest.Load(dir.File("m.jsonl"));
        m.Append(Entry("a", "h1", ManifestStatus.Failed));
        m.Append(Entry("b", "h2"));
        m.Append(Entry("a", "h1", ManifestStatus.Ok, ms: 99));
        Assert.Equal(99, m.LatestById["a"].ElapsedMs);
        Assert.True(m.IsDone("h1"));
        Assert.True(m.IsDone("H2")); // hex case does not matter
        Assert.False(m.IsDone("h3"));
        Assert.True(m.TryGetByContentHash("h2", out var e));
        Assert.Equal("b", e.Id);
        var reloaded = DatasetManifest.Load(dir.File("m.jsonl"));
        Assert.Equal(3, reloaded.Entries.Count);
        Assert.True(reloaded.IsDone("h1"));
    }

    [Fact]
    public void A_torn_last_line_is_ignored_and_cut_before_the_next_append()
    {
        using var dir = new TempDirectory();
        string path = dir.File("m.jsonl");
        using (var m = DatasetManifest.Load(path))
        {
            m.Append(Entry("a", "h1"));
            m.Append(Entry("b", "h2"));
        }
        string full = File.ReadAllText(path);
        int secondLineStart = full.IndexOf('\n', StringComparison.Ordinal) + 1;
        for (int cut = secondLineStart + 1; cut < full.Length; cut += 7)
        {
            File.WriteAllText(path, full[..cut]);
            var torn = DatasetManifest.Load(path);
            Assert.True(torn.HadTornLine);
            Assert.Single(torn.Entries);
        }
        using (var m = DatasetManifest.Load(path))
        {
            m.Append(Entry("c", "h3"));
        }
        var back = DatasetManifest.Load(path);
        Assert.False(back.HadTornLine);
        Assert.Equal(new[] { "a", "c" }, back.Entries.Select(e => e.Id));
    }

    [Fact]
    public void A_power_loss_tail_of_zero_bytes_is_a_torn_line_and_the_fsynced_lines_survive()
    {
        // After a power loss the file can be longer than what reached the disk: the tail reads as zero bytes.
        using var dir = new TempDirectory();
        string path = dir.File("m.jsonl");
        using (var m = DatasetManifest.Load(path))
        {
            m.Append(Entry("a", "h1"));
            m.Append(Entry("b", "h2"));
        }
        using (var f = new FileStream(path, FileMode.Append)) f.Write(new byte[300]);
        var torn = DatasetManifest.Load(path);
        Assert.True(torn.HadTornLine);
        Assert.Equal(new[] { "a", "b" }, torn.Entries.Select(e => e.Id));
        using (var m = DatasetManifest.Load(path)) m.Append(Entry("c", "h3"));
        var back = DatasetManifest.Load(path);
        Assert.False(back.HadTornLine);
        Assert.Equal(new[] { "a", "b", "c" }, back.Entries.Select(e => e.Id));
    }

    [Fact]
    public void A_bad_line_in_the_middle_is_a_typed_error_with_the_line_number()
    {
        using var dir = new TempDirectory();
        string path = dir.File("m.jsonl");
        using (var m = DatasetManifest.Load(path)) m.Append(Entry("a", "h1"));
        File.AppendAllText(path, "{garbage\n");
        using (var m = DatasetManifest.Load(path)) { } // a bad *last* line is a torn write: tolerated
        File.AppendAllText(path, File.ReadAllLines(path)[0] + "\n");
        var e = Assert.Throws<CacheFormatException>(() => DatasetManifest.Load(path));
        Assert.Contains("line 2", e.Message, StringComparison.Ordinal);
        Assert.Equal(path, e.FilePath);
    }

    [Fact]
    public void Concurrent_appends_produce_one_valid_line_each()
    {
        using var dir = new TempDirectory();
        string path = dir.File("m.jsonl");
        using (var m = DatasetManifest.Load(path))
            Parallel.For(0, 300, i => m.Append(Entry("v" + i, "hash" + i)));
        var back = DatasetManifest.Load(path);
        Assert.Equal(300, back.Entries.Count);
        Assert.Equal(300, back.LatestById.Count);
        Assert.Equal(300, File.ReadAllLines(path).Length);
    }

    [Fact]
    public void Content_hash_is_sha256_hex_of_the_file_bytes()
    {
        using var dir = new TempDirectory();
        string path = dir.File("abc.bin");
        File.WriteAllBytes(path, Encoding.ASCII.GetBytes("abc"));
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", ContentHasher.HashFile(path));
        Assert.Equal(ContentHasher.HashFile(path), ContentHasher.HashBytes("abc"u8));
    }
}
