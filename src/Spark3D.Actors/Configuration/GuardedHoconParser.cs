using Akka.Configuration;

namespace Spark3D.Actors.Configuration;

/// <summary>
/// Parses user-supplied HOCON (a --config file, a -D override, Akka overrides for a cluster node) with a time limit. Akka's parser never returns on some
/// malformed text, e.g. an unclosed list (<c>a = [1, 2 }</c>), and allocates memory all the while; a command must fail
/// with a clear message instead. The runaway parse is left on a background thread, which dies with the process.
/// Optional environment substitutions (<c>${?NAME}</c>), which Akka's parser turns into a document that contains itself,
/// are expanded first (<see cref="OptionalEnvironmentSubstitution"/>).
/// </summary>
public static class GuardedHoconParser
{
    /// <summary>How long a parse may take; user config is a few kB, parsed in milliseconds.</summary>
    public static TimeSpan Limit { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Parses <paramref name="text"/>; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="ArgumentException">The text does not parse, or the parse did not finish within <see cref="Limit"/>.</exception>
    public static Akka.Configuration.Config Parse(string text, string source)
    {
        Akka.Configuration.Config? result = null;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = ConfigurationFactory.ParseString(OptionalEnvironmentSubstitution.Expand(text));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                error = e;
            }
        })
        { IsBackground = true, Name = "hocon-parse" };
        thread.Start();
        if (!thread.Join(Limit))
            throw new ArgumentException($"{source}: not valid HOCON (the parser did not finish in {Limit.TotalSeconds:0} s; look for an unclosed '[' or '{{')");
        if (error is not null)
            throw new ArgumentException($"{source}: not valid HOCON: {error.Message}", error);
        return result!;
    }
}
