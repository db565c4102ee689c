using Spark3D.Data.Nifti;
using Spark3D.Data.Preprocessing;
using Spark3D.Data.Volumes;
using Spark3D.Tests.Shared;
using Spark3D.Training.Patches;
using Spark3D.Training.Ports;

namespace Spark3D.Training.Tests.Patches;

public class NiftiPatchProducerTests
{
    private static NiftiPatchProducer Producer() => new(new PatchProducerOptions(new Shape3(32, 32, 32)), PreprocessOptions.Default);

    [Fact]
    public void A_phantom_nifti_is_preprocessed_into_a_finite_z_scored_patch()
    {
        using var fx = new DataFixture();
        var file = new VolumeRef("p", fx.WriteNifti("p.nii.gz", DataFixture.Phantom(2)));
        using var producer = Producer();

        var a = producer.Produce(file, new Random(1));
        var b = producer.Produce(file, new Random(1));

        Assert.Equal(new Shape3(32, 32, 32), a.Shape);
        Assert.Equal(a.Voxels, b.Voxels);
        Assert.All(a.Voxels, v => Assert.True(float.IsFinite(v)));
        Assert.InRange(a.Voxels.Max(), 0.1f, 20f); // z-scored, not raw phantom intensities (~1000)
    }

    [Fact]
    public void Zero_byte_and_garbage_files_throw_a_format_exception_naming_the_file()
    {
        using var fx = new DataFixture();
        string empty = fx.WriteBytes("empty.nii", []);
        string garbage = fx.WriteBytes("garbage.nii", Enumerable.Range(0, 600).Select(i => (byte)(i * 37)).ToArray());
        using var producer = Producer();

        foreach (var path in new[] { empty, garbage })
        {
            var e = Assert.Throws<NiftiFormatException>(() => producer.Produce(new VolumeRef("x", path), new Random(1)));
            Assert.Contains(path, e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void All_nan_empty_and_one_voxel_volumes_are_unusable_not_garbage_patches()
    {
        using var fx = new DataFixture();
        string nan = fx.WriteNifti("nan.nii", DataFixture.Filled(new Shape3(20, 20, 20), _ => float.NaN));
        string zero = fx.WriteNifti("zero.nii", DataFixture.Filled(new Shape3(20, 20, 20), _ => 0f));
        string one = fx.WriteNifti("one.nii", DataFixture.Filled(new Shape3(1, 1, 1), _ => 5f));
        using var producer = Producer();

        var eNan = Assert.Throws<UnusableVolumeException>(() => producer.Produce(new VolumeRef("nan", nan), new Random(1)));
        Assert.Contains("NaN", eNan.Message, StringComparison.Ordinal);
        Assert.Equal(nan, eNan.FilePath);
        var eZero = Assert.Throws<UnusableVolumeException>(() => producer.Produce(new VolumeRef("zero", zero), new Random(1)));
        Assert.Contains("no nonzero", eZero.Message, StringComparison.Ordinal);
        var eOne = Assert.Throws<UnusableVolumeException>(() => producer.Produce(new VolumeRef("one", one), new Random(1)));
        Assert.Contains("1×1×1", eOne.Message, StringComparison.Ordinal);
        // A failure is not cached: the next call fails the same way (no stale entry).
        Assert.Throws<UnusableVolumeException>(() => producer.Produce(new VolumeRef("nan", nan), new Random(2)));
    }
}
