using System.Text.Json;
using System.Text.Json.Serialization;
using Spark3D.Data.Volumes;

namespace Spark3D.Data.Cache;

/// <summary>System.Text.Json settings for manifest lines: camelCase, compact, enums as lowercase strings, [x,y,z] arrays.</summary>
internal static class ManifestJson
{
    public static readonly JsonSerializerOptions Options = Create();

    private static JsonSerializerOptions Create()
    {
        var o = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            WriteIndented = false,
        };
        o.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        o.Converters.Add(new Shape3Converter());
        o.Converters.Add(new Spacing3Converter());
        o.Converters.Add(new AffineConverter());
        return o;
    }

    private sealed class Shape3Converter : JsonConverter<Shape3>
    {
        public override Shape3 Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var a = JsonSerializer.Deserialize<int[]>(ref reader) ?? throw new JsonException("shape is null");
            return a.Length == 3 ? new Shape3(a[0], a[1], a[2]) : throw new JsonException("shape needs 3 integers");
        }

        public override void Write(Utf8JsonWriter writer, Shape3 value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, new[] { value.X, value.Y, value.Z });
    }

    private sealed class Spacing3Converter : JsonConverter<Spacing3>
    {
        public override Spacing3 Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var a = JsonSerializer.Deserialize<double[]>(ref reader) ?? throw new JsonException("spacing is null");
            return a.Length == 3 ? new Spacing3(a[0], a[1], a[2]) : throw new JsonException("spacing needs 3 numbers");
        }

        public override void Write(Utf8JsonWriter writer, Spacing3 value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, new[] { value.X, value.Y, value.Z });
    }

    private sealed class AffineConverter : JsonConverter<Affine>
    {
        public override Affine Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var rows = JsonSerializer.Deserialize<double[][]>(ref reader) ?? throw new JsonException("affine is null");
            if (rows.Length != 4 || rows.Any(r => r is null || r.Length != 4)) throw new JsonException("affine needs 4 rows of 4");
            return new Affine(rows.SelectMany(r => r).ToArray());
        }

        public override void Write(Utf8JsonWriter writer, Affine value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, value.ToRows());
    }
}
