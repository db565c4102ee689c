using Spark3D.Host.Config;
using Spark3D.Model.Devices.CpuIsa;

namespace Spark3D.Host.Tests;

public class CpuIsaGuardConfigTests
{
    [Fact]
    public void Defaults_to_auto_and_reads_off()
    {
        Assert.Equal(IsaGuardMode.Auto, DeviceOptionsMapper.CpuIsaGuard(Spark3DConfig.Defaults()));
        Assert.Equal(IsaGuardMode.Off, DeviceOptionsMapper.CpuIsaGuard(Spark3DConfig.Load(null, ["spark3d.model.device.cpu-isa-guard=off"])));
        Assert.Equal(IsaGuardMode.Auto, DeviceOptionsMapper.CpuIsaGuard(Spark3DConfig.Load(null, ["spark3d.model.device.cpu-isa-guard=AUTO"])));
    }

    [Fact]
    public void Another_value_is_an_error_naming_the_key()
    {
        var config = Spark3DConfig.Load(null, ["spark3d.model.device.cpu-isa-guard=avx2"]);
        var e = Assert.Throws<ArgumentException>(() => DeviceOptionsMapper.CpuIsaGuard(config));
        Assert.Contains("spark3d.model.device.cpu-isa-guard", e.Message);
    }
}
