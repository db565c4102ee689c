using TorchSharp;
using TorchSharp.Modules;

namespace Spark3D.Training.Telemetry;

/// <summary>TensorBoard event files in one folder, via TorchSharp's <see cref="SummaryWriter"/>: scalars per step and PNG
/// images. Each engine incarnation appends a new event file; TensorBoard merges them by step.</summary>
public sealed class TensorBoardLog
{
    private readonly SummaryWriter _writer;

    /// <summary>Opens (creates) the event folder.</summary>
    public TensorBoardLog(string directory)
    {
        Directory.CreateDirectory(directory);
        _writer = torch.utils.tensorboard.SummaryWriter(directory);
        LogDirectory = directory;
    }

    /// <summary>The event folder.</summary>
    public string LogDirectory { get; }

    /// <summary>Adds one scalar; non-finite values are skipped.</summary>
    public void Scalar(string tag, double value, long step)
    {
        if (!double.IsFinite(value)) return;
        _writer.add_scalar(tag, (float)value, checked((int)step));
    }

    /// <summary>Adds a PNG file as an image summary.</summary>
    public void Image(string tag, string pngPath, long step) => _writer.add_img(tag, pngPath, checked((int)step));
}
