using System.Text.Json;
using System.Text.Json.Serialization;
using Spark3D.Data.Cache;

namespace Spark3D.Actors.Cluster;

/// <summary>
/// What a worker node needs besides the work items: the shared output folder and the coordinator's preprocessing and
/// cache settings, so every node writes the same files. The coordinator serves it (<see cref="JobDescriptionActor"/>);
/// it travels as a JSON string (Akka's primitive string serializer, no type names on the wire).
/// </summary>
/// <param name="OutputDir">Absolute output folder, as every node sees it (shared storage).</param>
/// <param name="Options">Preprocessing and cache settings of the coordinator.</param>
public sealed record JobDescription(string OutputDir, CacheBuildOptions Options)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        Converters = { new JsonStringEnumConverter() },
        IgnoreReadOnlyProperties = true,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <exception cref="FormatException">The text is not a job description.</exception>
    public static JobDescription FromJson(string json)
    {
        try
        {
            var d = JsonSerializer.Deserialize<JobDescription>(json, Json);
            if (d is null || string.IsNullOrEmpty(d.OutputDir) || d.Options?.Preprocess is null || d.Options.Chunks is null)
                throw new FormatException("incomplete job description");
            d.Options.Validate();
            return d;
        }
        catch (Exception e) when (e is JsonException or ArgumentException or NotSupportedException)
        {
            throw new FormatException("Not a job description: " + e.Message, e);
        }
    }
}
