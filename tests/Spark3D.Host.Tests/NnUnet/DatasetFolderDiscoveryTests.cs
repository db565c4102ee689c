using Spark3D.Data.Cache;
using Spark3D.Host.Config;
using Spark3D.Host.Pretrain;
using Spark3D.Tests.Shared;

namespace Spark3D.Host.Tests.NnUnet;

/// <summary>`pretrain --data` and `preprocess --input` on an nnU-Net dataset folder take imagesTr/ (imagesTs/ only when
/// asked) and never labelsTr/.</summary>
[Collection("Console")]
public sealed class DatasetFolderDiscoveryTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("s3d-discovery-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Two cases of two channels in imagesTr, their labels, and one test case of two channels in imagesTs.</summary>
    private string Dataset()
    {
        string root = Path.Combine(_dir, "Dataset042_Phantoms");
        NnUnetPhantoms.Write(root, 2, "MRI", "CT");
        Directory.CreateDirectory(Path.Combine(root, "imagesTs"));
        foreach (var f in Directory.GetFiles(Path.Combine(root, "imagesTr"), "ph0_*"))
            File.Copy(f, Path.Combine(root, "imagesTs", "test" + Path.GetFileName(f)));
        return root;
    }

    [Fact]
    public void The_scanner_takes_imagesTr_and_imagesTs_only_when_asked()
    {
        string root = Dataset();
        Assert.Equal(["imagesTr/ph0_0000", "imagesTr/ph0_0001", "imagesTr/ph1_0000", "imagesTr/ph1_0001"],
            VolumeSourceScanner.Scan(root).Select(s => s.Id));
        Assert.Equal(["imagesTr/ph0_0000", "imagesTr/ph0_0001", "imagesTr/ph1_0000", "imagesTr/ph1_0001", "imagesTs/testph0_0000", "imagesTs/testph0_0001"],
            VolumeSourceScanner.Scan(root, includeTestImages: true).Select(s => s.Id));
        // A plain folder is still searched recursively, label-like names and all.
        Assert.Equal(2, VolumeSourceScanner.Scan(Path.Combine(root, "labelsTr")).Count);
    }

    [Fact]
    public void Pretrain_data_on_a_dataset_folder_lists_imagesTr_only_and_imagesTs_when_configured()
    {
        string root = Dataset();
        var config = Spark3DConfig.Load(null, ["spark3d.data.patch-size=[32,32,32]"]);
        using (var data = PretrainData.Open(root, PretrainOptionsMapper.DataOptions(config)))
            Assert.Equal(["imagesTr/ph0_0000", "imagesTr/ph0_0001", "imagesTr/ph1_0000", "imagesTr/ph1_0001"], data.Catalog.Volumes.Select(v => v.Id));
        var withTs = Spark3DConfig.Load(null, ["spark3d.data.patch-size=[32,32,32]", "spark3d.data.nnunet.include-images-ts=true"]);
        using (var data = PretrainData.Open(root, PretrainOptionsMapper.DataOptions(withTs)))
            Assert.Equal(6, data.Catalog.Volumes.Count);
    }

    [Fact]
    public void Preprocess_on_a_dataset_folder_caches_imagesTr_and_never_a_label_map()
    {
        string root = Dataset(), cache = Path.Combine(_dir, "cache");
        var (code, text) = ConsoleCapture.Run("preprocess", "--input", root, "--output", cache, "-j", "1", "-D", "spark3d.preprocess.target-spacing=[4,4,4]");
        Assert.True(code == 0, text);
        using var manifest = DatasetManifest.Load(Path.Combine(cache, "manifest.jsonl"));
        Assert.Equal(["imagesTr/ph0_0000", "imagesTr/ph0_0001", "imagesTr/ph1_0000", "imagesTr/ph1_0001"], manifest.Entries.Select(e => e.Id).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(manifest.Entries, e => e.SourcePath.Contains("labelsTr", StringComparison.Ordinal));
    }
}
