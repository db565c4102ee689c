using System.Text.Json.Nodes;
using Spark3D.Data.Volumes;

namespace Spark3D.Data.Cache;

/// <summary>JSON shapes shared by the cache metadata and the manifest: [x,y,z] arrays and a 4×4 row array for the affine.</summary>
internal static class VolumeJson
{
    public static JsonArray Of(Shape3 s) => new(s.X, s.Y, s.Z);

    public static JsonArray Of(Spacing3 s) => new(s.X, s.Y, s.Z);

    public static JsonArray Of(Affine a) =>
        new(a.ToRows().Select(r => (JsonNode)new JsonArray(r.Select(v => (JsonNode)JsonValue.Create(v)).ToArray())).ToArray());

    public static Shape3 ToShape(JsonNode? n)
    {
        var a = Numbers(n, 3);
        return new Shape3(checked((int)a[0]), checked((int)a[1]), checked((int)a[2]));
    }

    public static Spacing3 ToSpacing(JsonNode? n)
    {
        var a = Numbers(n, 3);
        return new Spacing3(a[0], a[1], a[2]);
    }

    public static Affine ToAffine(JsonNode? n)
    {
        var rows = n as JsonArray ?? throw new FormatException("affine must be a 4×4 array");
        if (rows.Count != 4) throw new FormatException("affine must have 4 rows");
        return new Affine(rows.SelectMany(r => Numbers(r, 4)).ToArray());
    }

    private static double[] Numbers(JsonNode? n, int count)
    {
        var arr = n as JsonArray ?? throw new FormatException($"expected an array of {count} numbers");
        if (arr.Count != count) throw new FormatException($"expected {count} numbers, got {arr.Count}");
        return arr.Select(v => v?.GetValue<double>() ?? throw new FormatException("null in a numeric array")).ToArray();
    }
}
