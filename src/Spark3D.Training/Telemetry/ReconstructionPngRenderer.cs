using SkiaSharp;
using Spark3D.Data.Volumes;

namespace Spark3D.Training.Telemetry;

/// <summary>
/// Renders MAE reconstructions as a PNG a person can look at without tools: rows = input, masked input, reconstruction;
/// columns = mid axial (z), coronal (y) and sagittal (x) slices. All panels share one intensity window (the input's
/// 1st–99th percentile) so brightness differences are real.
/// </summary>
public static class ReconstructionPngRenderer
{
    /// <summary>Pixels per voxel edge; small patches (32³–64³) would otherwise be unreadably tiny.</summary>
    private const int DefaultScale = 4;

    public static byte[] Render(Shape3 shape, ReadOnlySpan<float> input, ReadOnlySpan<float> masked, ReadOnlySpan<float> reconstruction, int scale = DefaultScale)
    {
        long n = shape.Count;
        if (input.Length != n || masked.Length != n || reconstruction.Length != n)
            throw new ArgumentException($"All three volumes must hold {n} voxels for shape {shape}.");
        var (lo, hi) = Window(input);
        int[] widths = [shape.X, shape.X, shape.Y];
        int[] heights = [shape.Y, shape.Z, shape.Z];
        const int gap = 2;
        int width = (widths.Sum() * scale) + (gap * 2);
        int height = (3 * heights.Max() * scale) + (gap * 2);
        using var bitmap = new SKBitmap(width, height, SKColorType.Gray8, SKAlphaType.Opaque);
        bitmap.Erase(new SKColor(40, 40, 40));
        var volumes = new[] { input.ToArray(), masked.ToArray(), reconstruction.ToArray() };
        for (int row = 0; row < 3; row++)
        {
            int x0 = 0;
            for (int col = 0; col < 3; col++)
            {
                DrawSlice(bitmap, volumes[row], shape, col, x0, row * (heights.Max() * scale + gap), scale, lo, hi);
                x0 += widths[col] * scale + gap;
            }
        }
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>Writes the PNG atomically (temp + rename) so a viewer never sees half a file.</summary>
    public static void Save(string path, Shape3 shape, ReadOnlySpan<float> input, ReadOnlySpan<float> masked, ReadOnlySpan<float> reconstruction)
    {
        byte[] png = Render(shape, input, masked, reconstruction);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        string tmp = path + ".tmp";
        File.WriteAllBytes(tmp, png);
        File.Move(tmp, path, overwrite: true);
    }

    private static void DrawSlice(SKBitmap bmp, float[] v, Shape3 s, int plane, int ox, int oy, int scale, float lo, float hi)
    {
        // plane 0: axial (x,y at mid z); 1: coronal (x,z at mid y); 2: sagittal (y,z at mid x). Superior/anterior up.
        int w = plane == 2 ? s.Y : s.X;
        int h = plane == 0 ? s.Y : s.Z;
        float range = hi > lo ? hi - lo : 1f;
        for (int r = 0; r < h; r++)
        {
            int src = h - 1 - r;
            for (int c = 0; c < w; c++)
            {
                long idx = plane switch
                {
                    0 => s.Index(c, src, s.Z / 2),
                    1 => s.Index(c, s.Y / 2, src),
                    _ => s.Index(s.X / 2, c, src),
                };
                float t = Math.Clamp((v[idx] - lo) / range, 0f, 1f);
                var color = new SKColor((byte)(t * 255), (byte)(t * 255), (byte)(t * 255));
                for (int dy = 0; dy < scale; dy++)
                    for (int dx = 0; dx < scale; dx++)
                        bmp.SetPixel(ox + c * scale + dx, oy + r * scale + dy, color);
            }
        }
    }

    private static (float Lo, float Hi) Window(ReadOnlySpan<float> v)
    {
        var sorted = v.ToArray().Where(float.IsFinite).ToArray();
        if (sorted.Length == 0) return (0, 1);
        Array.Sort(sorted);
        return (sorted[(int)(0.01 * (sorted.Length - 1))], sorted[(int)(0.99 * (sorted.Length - 1))]);
    }
}
