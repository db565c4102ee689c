using Microsoft.Extensions.Logging;
using Spark3D.Training.Telemetry;

namespace Spark3D.Training.Tests.Telemetry;

public sealed class RunLogTests
{
    private static Exception Thrown()
    {
        try
        {
            throw new InvalidDataException("bad voxel");
        }
        catch (InvalidDataException e)
        {
            return e;
        }
    }

    [Fact]
    public void The_console_gets_one_line_per_event_at_its_level_and_the_file_everything_with_stack_traces()
    {
        string dir = Directory.CreateTempSubdirectory("s3d-log-").FullName;
        try
        {
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            string file = Path.Combine(dir, "finetune.log");
            using (var log = new RunLog(LogLevel.Information, stdout, stderr))
            {
                log.AttachFile(file, "spark3d finetune --test");
                var logger = log.For("spark3d.test");
                logger.LogDebug("only in the file");
                logger.Line("a result line with {braces}");
                logger.Warn("step 12: loss is NaN; restarting\nfrom the checkpoint", Thrown());
            }
            Assert.Equal("a result line with {braces}" + Environment.NewLine, stdout.ToString());
            string err = Assert.Single(stderr.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
            Assert.Equal("warning: step 12: loss is NaN; restarting from the checkpoint (InvalidDataException: bad voxel)", err);
            string text = File.ReadAllText(file);
            Assert.Contains("---- spark3d finetune --test", text, StringComparison.Ordinal);
            Assert.Contains("DEBUG spark3d.test: only in the file", text, StringComparison.Ordinal);
            Assert.Contains("WARN spark3d.test: step 12", text, StringComparison.Ordinal);
            Assert.Contains("at Spark3D.Training.Tests.Telemetry.RunLogTests.Thrown()", text, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Theory]
    [InlineData(LogLevel.Debug, 3)]
    [InlineData(LogLevel.Information, 2)]
    [InlineData(LogLevel.Warning, 1)]
    public void Verbose_and_quiet_levels_filter_the_console(LogLevel level, int lines)
    {
        var all = new StringWriter();
        using (var log = new RunLog(level, all, all))
        {
            var logger = log.For("x");
            logger.LogDebug("d");
            logger.LogInformation("i");
            logger.LogWarning("w");
        }
        Assert.Equal(lines, all.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void A_message_that_already_says_the_exceptions_message_gets_only_its_type()
    {
        var e = new IOException("disk gone");
        Assert.Equal("warning: worker: disk gone (IOException)", ConsoleLogProvider.Format(LogLevel.Warning, "worker: disk gone", e));
        Assert.Equal("error: copy failed (IOException: disk gone)", ConsoleLogProvider.Format(LogLevel.Error, "copy failed", e));
    }

    [Fact]
    public void A_file_only_logger_writes_to_the_file_and_never_to_the_console()
    {
        string dir = Directory.CreateTempSubdirectory("s3d-log-").FullName;
        try
        {
            var console = new StringWriter();
            string file = Path.Combine(dir, "pretrain.log");
            using (var log = new RunLog(LogLevel.Debug, console, console))
            {
                var record = log.FileOnly("spark3d.pretrain"); // made before the file is attached, as the progress view is
                record.Line("step 1/9 before the file: dropped");
                log.AttachFile(file, "spark3d pretrain --test");
                record.Line("step 2/9 loss 0.5");
                record.Warn("a warning for the file");
            }
            Assert.Equal("", console.ToString());
            string text = File.ReadAllText(file);
            Assert.Contains("INFO spark3d.pretrain: step 2/9 loss 0.5", text, StringComparison.Ordinal);
            Assert.Contains("WARN spark3d.pretrain: a warning for the file", text, StringComparison.Ordinal);
            Assert.DoesNotContain("step 1/9", text, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void What_was_logged_before_the_file_was_attached_is_written_after_its_header()
    {
        string dir = Directory.CreateTempSubdirectory("s3d-log-").FullName;
        try
        {
            string file = Path.Combine(dir, "worker-127.0.0.1-2551.log");
            using (var log = new RunLog(LogLevel.Warning, TextWriter.Null, TextWriter.Null))
            {
                var logger = log.For("spark3d.node");
                logger.LogDebug("joining"); // below the console's level: still kept for the file
                logger.Line("worker up");
                log.AttachFile(file, "spark3d node --test");
                logger.Line("job received");
            }
            var lines = File.ReadAllLines(file);
            Assert.Contains("---- spark3d node --test", lines[0], StringComparison.Ordinal);
            Assert.EndsWith("DEBUG spark3d.node: joining", lines[1], StringComparison.Ordinal);
            Assert.EndsWith("INFO spark3d.node: worker up", lines[2], StringComparison.Ordinal);
            Assert.EndsWith("INFO spark3d.node: job received", lines[3], StringComparison.Ordinal);
            Assert.Equal(4, lines.Length);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
