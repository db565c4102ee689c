using Spark3D.Actors.Cluster;

namespace Spark3D.Actors.Tests.Cluster;

public sealed class JsonLinesWorkJournalTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "spark3d-journal-" + Guid.NewGuid().ToString("N"));

    private string JournalPath => Path.Combine(_dir, "sub", "manifest.jsonl");

    [Fact]
    public void Appended_entries_are_loaded_back_after_reopening()
    {
        var at = new DateTime(2026, 11, 27, 18, 0, 0, DateTimeKind.Utc);
        var done = new WorkJournalEntry("a", true, "a.out", "ab", "{}", null, "node1", at);
        var failed = new WorkJournalEntry("b", false, null, null, null, "bad magic", "node2", at);
        using (var journal = new JsonLinesWorkJournal(JournalPath))
        {
            journal.Append(done);
            journal.Append(failed);
        }

        using var reopened = new JsonLinesWorkJournal(JournalPath);
        Assert.Equal([done, failed], reopened.Load());
    }

    [Fact]
    public void A_torn_last_line_is_cut_and_appending_continues_cleanly()
    {
        var at = DateTime.UtcNow;
        using (var journal = new JsonLinesWorkJournal(JournalPath))
        {
            journal.Append(new WorkJournalEntry("a", true, "a.out", "ab", "", null, "n", at));
        }

        File.AppendAllText(JournalPath, "{\"id\":\"b\",\"succ");
        using var reopened = new JsonLinesWorkJournal(JournalPath);
        reopened.Append(new WorkJournalEntry("c", true, "c.out", "cd", "", null, "n", at));
        Assert.Equal(["a", "c"], reopened.Load().Select(e => e.Id));
    }

    [Fact]
    public void A_power_loss_tail_of_zero_bytes_is_cut_and_the_fsynced_entries_survive()
    {
        // After a power loss the file can be longer than what reached the disk: the tail reads as zero bytes.
        var at = DateTime.UtcNow;
        using (var journal = new JsonLinesWorkJournal(JournalPath))
        {
            journal.Append(new WorkJournalEntry("a", true, "a.out", "ab", "", null, "n", at));
        }

        using (var f = new FileStream(JournalPath, FileMode.Append))
        {
            f.Write(new byte[300]);
        }

        using var reopened = new JsonLinesWorkJournal(JournalPath);
        Assert.Equal(["a"], reopened.Load().Select(e => e.Id));
        reopened.Append(new WorkJournalEntry("b", true, "b.out", "bc", "", null, "n", at));
        Assert.Equal(["a", "b"], reopened.Load().Select(e => e.Id));
    }

    [Fact]
    public void A_malformed_middle_line_names_file_and_line()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(JournalPath)!);
        File.WriteAllText(JournalPath, "{\"id\":\"a\",\"succeeded\":true,\"outputPath\":\"a.out\",\"contentHash\":\"ab\",\"stats\":\"\",\"reason\":null,\"node\":\"n\",\"finishedUtc\":\"2026-11-27T18:00:00Z\"}\nnot json\n");
        using var journal = new JsonLinesWorkJournal(JournalPath);
        var ex = Assert.Throws<WorkJournalFormatException>(() => journal.Load());
        Assert.Equal(2, ex.LineNumber);
        Assert.Contains("manifest.jsonl", ex.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }
}
