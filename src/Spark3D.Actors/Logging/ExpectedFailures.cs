using Spark3D.Model.Training;
using Spark3D.Training.Engines;
using Spark3D.Training.Ports;

namespace Spark3D.Actors.Logging;

/// <summary>The failures the pipeline expects and handles (it restarts or retries and goes on): logged as one warning
/// line, not as an error with a stack trace on the console.</summary>
public static class ExpectedFailures
{
    /// <summary>True for a non-finite loss (the trainer restarts from its checkpoint), the supervision check's injected
    /// fault (spark3d.pretrain.inject-failure-at-step, handled the same way) and a transient IO error (retried),
    /// also when wrapped (Akka wraps an actor's constructor failure in an ActorInitializationException).</summary>
    public static bool IsExpected(Exception? e)
    {
        for (var x = e; x is not null; x = x.InnerException)
        {
            if (x is NonFiniteLossException or InjectedTrainerFaultException || PatchFailures.IsTransient(x)) return true;
        }
        return false;
    }
}
