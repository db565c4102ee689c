namespace Spark3D.Host.Config;

/// <summary>A --config file or -D override that cannot be used: missing, or not valid HOCON. The message names it.</summary>
public sealed class InvalidConfigException : ArgumentException
{
    public InvalidConfigException()
    {
    }

    public InvalidConfigException(string message)
        : base(message)
    {
    }

    public InvalidConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
