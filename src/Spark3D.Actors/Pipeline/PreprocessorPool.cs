using Akka.Actor;
using Spark3D.Training.Ports;

namespace Spark3D.Actors.Pipeline;

/// <summary>
/// Parent of N <see cref="Preprocessor"/> workers (N = <see cref="PipelineOptions.PreprocessorCount"/>) that all pull from
/// the same volume channel, on the dedicated <see cref="PipelineAkkaConfig.PreprocessDispatcherId"/> thread pool.
/// Supervision: a worker that crashes outside <see cref="IPatchProducer.Produce"/> (a bug) is restarted; per-volume
/// failures never crash a worker, they arrive as <see cref="VolumeQuarantined"/> and are passed to the run's
/// supervisor, which owns the quarantine report.
/// </summary>
public sealed class PreprocessorPool : ReceiveActor
{
    private readonly PipelineContext _ctx;
    private readonly List<IActorRef> _workers = [];

    /// <summary>Creates the pool; the workers start in <see cref="PreStart"/>.</summary>
    public PreprocessorPool(PipelineContext ctx)
    {
        _ctx = ctx;
        Receive<VolumeQuarantined>(q => Context.Parent.Forward(q));
        Receive<GetStageStatus>(_ => Sender.Tell(new StageStatus("preprocessors", $"{_workers.Count} workers", _workers.Count)));
    }

    /// <summary>Props for the pool.</summary>
    public static Props Props(PipelineContext ctx) => Akka.Actor.Props.Create(() => new PreprocessorPool(ctx));

    /// <inheritdoc />
    protected override void PreStart()
    {
        for (int i = 0; i < _ctx.Options.PreprocessorCount; i++)
        {
            string name = $"p-{i}";
            var worker = Context.ActorOf(Preprocessor.Props(_ctx, name).WithDispatcher(PipelineAkkaConfig.PreprocessDispatcherId), name);
            _ctx.Metrics.WatchMailbox("preprocessor-" + i, worker);
            _workers.Add(worker);
        }
    }

    /// <inheritdoc />
    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(maxNrOfRetries: 10, withinTimeRange: TimeSpan.FromMinutes(1), localOnlyDecider: e =>
        {
            _ctx.Metrics.ActorRestarted("preprocessor");
            return e is ActorInitializationException ? Directive.Stop : Directive.Restart;
        });
}
