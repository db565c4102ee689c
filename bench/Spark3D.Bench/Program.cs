namespace Spark3D.Bench;

/// <summary>Entry point: `dotnet run -c Release --project bench/Spark3D.Bench -- NAME [options]`.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var benches = BenchCatalog.All();
        if (args.Length == 0 || !benches.TryGetValue(args[0], out var run))
        {
            Console.Error.WriteLine("usage: Spark3D.Bench NAME [options]; NAME is one of: " + string.Join(", ", benches.Keys));
            return 2;
        }
        return run(args[1..]);
    }
}
