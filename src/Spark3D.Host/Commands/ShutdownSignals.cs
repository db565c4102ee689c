using System.Runtime.InteropServices;

namespace Spark3D.Host.Commands;

/// <summary>Turns Ctrl-C (SIGINT) and SIGTERM into a cancellation instead of the runtime's default termination, so a command
/// stops itself: `pretrain` after a final checkpoint (exit 0), `node` after leaving the cluster (exit 130).</summary>
public sealed class ShutdownSignals : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private readonly List<PosixSignalRegistration> _registrations = [];

    /// <summary>Registers the handlers.</summary>
    public ShutdownSignals()
    {
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
        {
            _registrations.Add(PosixSignalRegistration.Create(signal, ctx =>
            {
                ctx.Cancel = true; // keep the process alive; the run stops itself
                Signal = ctx.Signal;
                try { _cts.Cancel(); } catch (ObjectDisposedException) { }
            }));
        }
    }

    /// <summary>Cancelled on the first SIGINT/SIGTERM.</summary>
    public CancellationToken Token => _cts.Token;

    /// <summary>The signal received, if any.</summary>
    public PosixSignal? Signal { get; private set; }

    /// <summary>Unregisters the handlers.</summary>
    public void Dispose()
    {
        foreach (var r in _registrations) r.Dispose();
        _cts.Dispose();
    }
}
