namespace Spark3D.Model.Devices;

/// <summary>Which compute device to train on.</summary>
public enum DeviceMode
{
    /// <summary>CUDA when libtorch reports a usable GPU, else CPU.</summary>
    Auto,
    /// <summary>Always CPU.</summary>
    Cpu,
    /// <summary>CUDA; fails with <see cref="DeviceUnavailableException"/> when no GPU is usable.</summary>
    Cuda,
}
