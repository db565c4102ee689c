using SkiaSharp;
using Spark3D.Data.Volumes;
using Spark3D.Training.Telemetry;

namespace Spark3D.Training.Tests.Telemetry;

public class ReconstructionPngRendererTests
{
    [Fact]
    public void Renders_three_rows_with_the_masked_row_darker()
    {
        var shape = new Shape3(16, 12, 8);
        var input = new float[shape.Count];
        var masked = new float[shape.Count];
        for (int i = 0; i < input.Length; i++) input[i] = 1 + (i % 7);
        for (int i = 0; i < input.Length; i++) masked[i] = (i / 4) % 2 == 0 ? input[i] : 0;

        byte[] png = ReconstructionPngRenderer.Render(shape, input, masked, input, scale: 2);

        using var bmp = SKBitmap.Decode(png);
        Assert.NotNull(bmp);
        Assert.Equal((16 + 16 + 12) * 2 + 4, bmp.Width);
        Assert.Equal(3 * 12 * 2 + 4, bmp.Height);
        double Mean(int y0, int y1)
        {
            double s = 0; int n = 0;
            for (int y = y0; y < y1; y++) for (int x = 0; x < 32; x++) { s += bmp.GetPixel(x, y).Red; n++; }
            return s / n;
        }
        double inputRow = Mean(0, 16), maskedRow = Mean(26, 42), reconRow = Mean(52, 68);
        Assert.True(maskedRow < inputRow * 0.8, $"masked {maskedRow} vs input {inputRow}");
        Assert.Equal(inputRow, reconRow, 3);
    }

    [Fact]
    public void Rejects_mismatched_sizes() =>
        Assert.Throws<ArgumentException>(() => ReconstructionPngRenderer.Render(new Shape3(2, 2, 2), new float[8], new float[7], new float[8]));
}
