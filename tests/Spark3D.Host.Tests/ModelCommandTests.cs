using System.Text.Json;

namespace Spark3D.Host.Tests;

[Collection("Console")]
public class ModelCommandTests
{
    private static (int Code, string Out) Run(params string[] args) => ConsoleCapture.Run(args);

    [Fact]
    public void Json_contract_holds_preset_and_integer_parameter_count()
    {
        var (code, output) = Run("model", "--preset", "resenc-l", "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal("resenc-l", doc.RootElement.GetProperty("preset").GetString());
        Assert.Equal(JsonValueKind.Number, doc.RootElement.GetProperty("parameters").ValueKind);
        Assert.Equal(102_348_965L, doc.RootElement.GetProperty("parameters").GetInt64());
        Assert.Equal(1_120L + 7_853_120L, doc.RootElement.GetProperty("sparkExtraParameters").GetInt64());
        Assert.Single(output.Trim().Split('\n'));
    }

    [Fact]
    public void Text_summary_lists_every_stage_and_the_total()
    {
        var (code, output) = Run("model", "--preset", "tiny");
        Assert.Equal(0, code);
        for (int s = 0; s < 4; s++) Assert.Contains($"encoder.stages.{s}", output);
        Assert.Contains("decoder.stages.2", output);
        Assert.Contains("total", output);
        Assert.Contains("1/8", output);
    }

    [Fact]
    public void Preset_defaults_to_the_config_and_unknown_presets_fail()
    {
        var (code, output) = Run("model", "--json", "-D", "spark3d.model.preset=small");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal("small", doc.RootElement.GetProperty("preset").GetString());
        Assert.NotEqual(0, Run("model", "--preset", "nope").Code);
    }
}
