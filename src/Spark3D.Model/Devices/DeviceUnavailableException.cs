namespace Spark3D.Model.Devices;

/// <summary>The requested device (or libtorch folder) cannot be used on this machine.</summary>
public sealed class DeviceUnavailableException : Exception
{
    public DeviceUnavailableException(string message) : base(message) { }
    public DeviceUnavailableException(string message, Exception inner) : base(message, inner) { }
}
