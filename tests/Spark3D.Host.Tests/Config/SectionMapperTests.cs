using Spark3D.Data.Sampling;
using Spark3D.Data.Volumes;
using Spark3D.Host.Config;
using Spark3D.Model.Mae;
using Spark3D.Training.Telemetry;

namespace Spark3D.Host.Tests.Config;

/// <summary>One mapper per section: what several commands share is parsed in one place, the same way for each.</summary>
public class SectionMapperTests
{
    [Fact]
    public void Pretraining_and_fine_tuning_read_the_patch_size_through_one_parser()
    {
        var config = Spark3DConfig.Load(null, ["spark3d.data.patch-size=[48, 32, 16]"]);
        var size = new Shape3(48, 32, 16);
        Assert.Equal(size, DataOptionsMapper.PatchSize(config));
        Assert.Equal(size, PretrainOptionsMapper.DataOptions(Spark3DConfig.Load(null, ["spark3d.data.patch-size=[48, 32, 16]"])).Producer.PatchSize);
        Assert.Equal(size, FineTuneOptionsMapper.FromConfig(config).PatchSize);

        var bad = Spark3DConfig.Load(null, ["spark3d.data.patch-size=[32, 32]"]);
        string pretrain = Assert.Throws<ArgumentException>(() => PretrainOptionsMapper.DataOptions(bad)).Message;
        Assert.Equal(pretrain, Assert.Throws<ArgumentException>(() => FineTuneOptionsMapper.FromConfig(bad)).Message);
        Assert.Contains("spark3d.data.patch-size", pretrain, StringComparison.Ordinal);
    }

    [Fact]
    public void The_mae_section_maps_to_the_network_and_the_masks_and_its_defaults_are_the_libraries()
    {
        var defaults = Spark3DConfig.Defaults();
        Assert.Equal(new SparkMaeOptions(), MaeOptionsMapper.Network(defaults));
        Assert.Equal(new MaskOptions(), MaeOptionsMapper.Masks(defaults));

        var config = Spark3DConfig.Load(null, ["spark3d.mae.block-size=8", "spark3d.mae.use-mask-token=false"]);
        Assert.Equal(8, MaeOptionsMapper.Masks(config).BlockSize);
        Assert.False(MaeOptionsMapper.Network(config).UseMaskToken);
        Assert.Throws<ArgumentException>(() => MaeOptionsMapper.Masks(Spark3DConfig.Load(null, ["spark3d.mae.mask-ratio=1.5"])));
    }

    [Fact]
    public void Cluster_tls_is_off_by_default_and_maps_from_the_conf_with_both_files_required()
    {
        var defaults = Spark3D.Host.Config.ClusterOptionsMapper.Node(Spark3DConfig.Defaults());
        Assert.Equal(new Spark3D.Actors.Cluster.ClusterTlsOptions(), defaults.Tls);
        Assert.Null(Spark3D.Actors.Cluster.ClusterConfig.InsecureBindingWarning(defaults)); // 127.0.0.1 by default

        var on = Spark3D.Host.Config.ClusterOptionsMapper.Node(Spark3DConfig.Load(null,
        [
            "spark3d.cluster.tls.enabled=true", "spark3d.cluster.tls.certificate=/etc/spark3d/node.pfx",
            "spark3d.cluster.tls.certificate-password=pw", "spark3d.cluster.tls.ca-certificate=/etc/spark3d/ca.pem",
            "spark3d.cluster.hostname=0.0.0.0", "spark3d.cluster.seeds=[\"10.0.0.1:4053\"]",
        ]));
        Assert.Equal(new Spark3D.Actors.Cluster.ClusterTlsOptions { Enabled = true, CertificatePath = "/etc/spark3d/node.pfx", CertificatePassword = "pw", CaCertificatePath = "/etc/spark3d/ca.pem" }, on.Tls);
        Assert.Null(Spark3D.Actors.Cluster.ClusterConfig.InsecureBindingWarning(on));
        var akka = Spark3D.Actors.Cluster.ClusterConfig.Build(on);
        Assert.True(akka.GetBoolean("akka.remote.dot-netty.tcp.enable-ssl"));
        Assert.Equal(["akka.ssl.tcp://spark3d@10.0.0.1:4053"], akka.GetStringList("akka.cluster.seed-nodes"));
        Assert.NotNull(Spark3D.Actors.Cluster.ClusterConfig.InsecureBindingWarning(on with { Tls = new() }));

        var e = Assert.Throws<InvalidConfigException>(() => Spark3D.Host.Config.ClusterOptionsMapper.Node(Spark3DConfig.Load(null, ["spark3d.cluster.tls.enabled=true"])));
        Assert.Contains("spark3d.cluster.tls", e.Message, StringComparison.Ordinal);

        // docs/cluster.md keeps the password out of the file: -D from an environment variable on the command line.
        Assert.Equal("from-env", Spark3D.Host.Config.ClusterOptionsMapper.Node(Spark3DConfig.Load(null, ["spark3d.cluster.tls.certificate-password=from-env"])).Tls.CertificatePassword);
    }

    [Fact]
    public void Checkpoint_and_demo_settings_come_from_the_conf_file()
    {
        var defaults = Spark3DConfig.Defaults();
        Assert.Equal(new CheckpointSettings("checkpoints", 3), CheckpointOptionsMapper.FromConfig(defaults));
        var demo = PretrainOptionsMapper.FromConfig(defaults).Demo;
        Assert.Equal((32, 300_000L), (demo.Phantoms, demo.MaxVoxels));
        Assert.Equal(Path.GetFullPath("data/phantoms"), demo.DataDirectory);
        Assert.Null(PretrainOptionsMapper.FromConfig(defaults).Data);
        Assert.Throws<ArgumentException>(() => CheckpointOptionsMapper.FromConfig(Spark3DConfig.Load(null, ["spark3d.checkpoint.keep-last=0"])));
    }

    [Fact]
    public void Telemetry_maps_the_port_of_each_role_and_the_otlp_push_and_its_defaults_are_the_libraries()
    {
        Assert.Equal(new TelemetryOptions(), TelemetryOptionsMapper.FromConfig(Spark3DConfig.Defaults()));
        var config = Spark3DConfig.Load(null, ["spark3d.telemetry.prometheus.ports.worker=9501", "spark3d.telemetry.prometheus.host=0.0.0.0",
            "spark3d.telemetry.otlp.enabled=on", "spark3d.telemetry.otlp.protocol=http-protobuf", "spark3d.telemetry.otlp.endpoint=http://collector:4318",
            "spark3d.telemetry.otlp.interval=2s"]);
        var t = TelemetryOptionsMapper.FromConfig(config);
        Assert.Equal((9464, 9465, 9466, 9501), (t.PrometheusPorts.For(MetricsRole.Pretrain), t.PrometheusPorts.For(MetricsRole.Finetune),
            t.PrometheusPorts.For(MetricsRole.Coordinator), t.PrometheusPorts.For(MetricsRole.Worker)));
        Assert.Equal("0.0.0.0", t.PrometheusHost);
        Assert.Equal(new OtlpOptions { Enabled = true, Protocol = OtlpProtocol.HttpProtobuf, Endpoint = "http://collector:4318", Interval = TimeSpan.FromSeconds(2) }, t.Otlp);
        Assert.Equal(new Uri("http://collector:4318/v1/metrics"), t.Otlp.ExportUri());

        Assert.Contains("ports.finetune", Assert.Throws<ArgumentException>(() =>
            TelemetryOptionsMapper.FromConfig(Spark3DConfig.Load(null, ["spark3d.telemetry.prometheus.ports.finetune=0"]))).Message, StringComparison.Ordinal);
        Assert.Contains("grpc or http-protobuf", Assert.Throws<ArgumentException>(() =>
            TelemetryOptionsMapper.FromConfig(Spark3DConfig.Load(null, ["spark3d.telemetry.otlp.protocol=udp"]))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Finetune_validation_and_the_predict_checkpoint_map_with_nnunets_defaults_and_reject_bad_values()
    {
        var defaults = Spark3DConfig.Defaults();
        Assert.Equal(new Training.Engines.ValidationOptions(), FineTuneOptionsMapper.Validation(defaults));
        Assert.Equal("latest", FineTuneOptionsMapper.PredictCheckpoint(defaults));
        var set = Spark3DConfig.Load(null, ["spark3d.finetune.validation.fraction=0.3", "spark3d.finetune.validation.every-steps=50",
            "spark3d.finetune.validation.patches-per-case=4", "spark3d.finetune.validation.ema-weight=0.5", "spark3d.finetune.predict.checkpoint=best"]);
        Assert.Equal(new Training.Engines.ValidationOptions { Fraction = 0.3, EverySteps = 50, PatchesPerCase = 4, EmaWeight = 0.5 }, FineTuneOptionsMapper.Validation(set));
        Assert.Equal("best", FineTuneOptionsMapper.PredictCheckpoint(set));
        Assert.Contains("spark3d.finetune.validation every-steps", Assert.Throws<ArgumentException>(() =>
            FineTuneOptionsMapper.Validation(Spark3DConfig.Load(null, ["spark3d.finetune.validation.every-steps=0"]))).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => FineTuneOptionsMapper.Validation(Spark3DConfig.Load(null, ["spark3d.finetune.validation.fraction=1"])));
        Assert.Throws<ArgumentException>(() => FineTuneOptionsMapper.PredictCheckpoint(Spark3DConfig.Load(null, ["spark3d.finetune.predict.checkpoint=newest"])));
    }
}
