using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Microsoft.Extensions.Logging;

namespace Spark3D.Actors.Logging;

/// <summary>Carries the host's <see cref="ILoggerFactory"/> into an actor system, where <see cref="LoggerFactoryLogger"/>
/// picks it up.</summary>
public sealed class LoggerFactorySetup(ILoggerFactory factory) : Setup
{
    /// <summary>The factory Akka's log events go to.</summary>
    public ILoggerFactory Factory { get; } = factory;

    /// <summary>
    /// The setup of an actor system with <paramref name="config"/> whose log goes to <paramref name="logs"/>: Akka's
    /// <c>loggers</c> becomes <see cref="LoggerFactoryLogger"/> and its own stdout logger (used before the loggers start
    /// and after they stop) is silenced. Without <paramref name="logs"/>, Akka logs as configured.
    /// </summary>
    public static ActorSystemSetup For(Config config, ILoggerFactory? logs) => Route(BootstrapSetup.Create(), config, logs);

    /// <summary><paramref name="bootstrap"/> with <paramref name="config"/>, routed to <paramref name="logs"/> as
    /// <see cref="For"/> does (for a caller that adds setups of its own, e.g. a cluster node's log filter and TLS).</summary>
    public static ActorSystemSetup Route(BootstrapSetup bootstrap, Config config, ILoggerFactory? logs)
    {
        ArgumentNullException.ThrowIfNull(bootstrap);
        if (logs is null) return ActorSystemSetup.Create(bootstrap.WithConfig(config));
        var routed = ConfigurationFactory.ParseString(
            $"akka.loggers = [\"{typeof(LoggerFactoryLogger).FullName}, {typeof(LoggerFactoryLogger).Assembly.GetName().Name}\"]\n" +
            "akka.stdout-loglevel = OFF");
        return bootstrap.WithConfig(routed.WithFallback(config)).And(new LoggerFactorySetup(logs));
    }
}
