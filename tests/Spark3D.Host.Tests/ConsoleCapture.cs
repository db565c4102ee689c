namespace Spark3D.Host.Tests;

/// <summary>Runs `spark3d ARGS` in-process through Program.Main with Console.Out/Error captured.</summary>
internal static class ConsoleCapture
{
    public static (int Code, string Out) Run(params string[] args)
    {
        var (code, o, _) = RunWithError(args);
        return (code, o);
    }

    public static (int Code, string Out, string Err) RunWithError(params string[] args)
    {
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        Console.SetOut(stdout);
        Console.SetError(stderr);
        try
        {
            return (Program.Main(args), stdout.ToString(), stderr.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
        }
    }
}

/// <summary>Tests that redirect the process-wide Console must not run in parallel.</summary>
[CollectionDefinition("Console", DisableParallelization = true)]
public sealed class ConsoleCollection;
