using Spark3D.Host.Config;

namespace Spark3D.Host.Tests;

public class ConfigTests
{
    [Fact]
    public void Overrides_win_over_file_and_defaults()
    {
        string file = Path.GetTempFileName();
        File.WriteAllText(file, "spark3d.test { a = 1, b = 2 }");
        try
        {
            var c = Spark3DConfig.Load(file, ["spark3d.test.b=3", "spark3d.test.s=/tmp/x y"]);
            Assert.Equal(1, c.GetInt("spark3d.test.a"));
            Assert.Equal(3, c.GetInt("spark3d.test.b"));
            Assert.Equal("/tmp/x y", c.GetString("spark3d.test.s"));
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public void Bad_override_is_a_clear_error() =>
        Assert.Contains("path=value", Assert.Throws<ArgumentException>(() => Spark3DConfig.Load(null, ["nonsense"])).Message);
}
