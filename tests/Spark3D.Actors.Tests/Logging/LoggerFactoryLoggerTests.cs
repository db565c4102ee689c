using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using Microsoft.Extensions.Logging;
using Spark3D.Actors.Logging;
using Spark3D.Model.Training;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace Spark3D.Actors.Tests.Logging;

public sealed class LoggerFactoryLoggerTests
{
    [Fact]
    public async Task Akka_events_reach_the_factory_and_a_handled_non_finite_loss_is_a_warning_not_an_error()
    {
        var collector = new LogCollector();
        using var factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(collector));
        var system = ActorSystem.Create("log-test", LoggerFactorySetup.For(ConfigurationFactory.ParseString("akka.loglevel = DEBUG"), factory));
        try
        {
            system.Log.Info("hello {0}", "info");
            system.Log.Error(new NonFiniteLossException(12, "loss", double.NaN), "trainer failed");
            system.Log.Error(new InvalidOperationException("real bug"), "crash");
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (DateTime.UtcNow < deadline)
            {
                lock (collector.Events) if (collector.Events.Any(e => e.Message.Contains("crash", StringComparison.Ordinal))) break;
                await Task.Delay(50);
            }
            lock (collector.Events)
            {
                Assert.Contains(collector.Events, e => e.Level == LogLevel.Debug && e.Message.EndsWith("hello info", StringComparison.Ordinal) && e.Category == "akka");
                var nan = Assert.Single(collector.Events, e => e.Message.Contains("trainer failed", StringComparison.Ordinal));
                Assert.Equal(LogLevel.Warning, nan.Level);
                Assert.IsType<NonFiniteLossException>(nan.Error);
                Assert.Equal(LogLevel.Error, Assert.Single(collector.Events, e => e.Message.Contains("crash", StringComparison.Ordinal)).Level);
            }
        }
        finally
        {
            await system.Terminate();
        }
    }
}
