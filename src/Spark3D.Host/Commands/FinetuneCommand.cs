using System.CommandLine;
using Spark3D.Host.FineTune;

namespace Spark3D.Host.Commands;

/// <summary>
/// `spark3d finetune --data DIR --run-dir R --steps N (--pretrained CKPT | --from-scratch) [--preset P] [--patch N]
/// [--batch N] [--seed S] [--decoder-in-transfer] [--device auto|cpu|cuda] [--preprocessed CACHE]`: supervised fine-tuning through the actor pipeline (see
/// <see cref="FineTuneRun"/>); writes model.json, splits_final.json, checkpoints/ (with checkpoint_best), metrics.jsonl, tensorboard/, finetune.log,
/// summary.json. Rerunning resumes.
/// </summary>
internal static class FinetuneCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Labelled data set: nnU-Net (dataset.json, imagesTr/, labelsTr/) or plain pairs (images/, labels/).", Required = true };
        var runDir = new Option<string>("--run-dir") { Description = "Run directory (model.json, checkpoints, metrics.jsonl, summary.json).", Required = true };
        var steps = new Option<long>("--steps") { Description = "Total optimiser steps (a rerun continues up to this).", Required = true };
        var pretrained = new Option<string?>("--pretrained") { Description = "Pre-training checkpoint (file, checkpoints folder or pretrain run folder)." };
        var scratch = new Option<bool>("--from-scratch") { Description = "No pre-training: He init, nnU-Net's lr 1e-2 poly schedule, same steps." };
        var preset = new Option<string?>("--preset") { Description = "Network preset (default: spark3d.finetune.preset, else spark3d.model.preset)." };
        var patch = new Option<int?>("--patch") { Description = "Cubic patch edge in voxels (default: spark3d.data.patch-size)." };
        var batch = new Option<int?>("--batch") { Description = "Patches per batch (default: spark3d.pipeline.batch-size)." };
        var seed = new Option<long?>("--seed") { Description = "Run seed (default: spark3d.pipeline.seed)." };
        var decoder = new Option<bool>("--decoder-in-transfer") { Description = "Also transfer the pre-trained decoder (never its output heads)." };
        var device = new Option<string?>("--device") { Description = "auto | cpu | cuda (default: spark3d.model.device.device)." };
        var preprocessed = new Option<string?>("--preprocessed")
        {
            Description = "Cache from `spark3d preprocess --labels` of this data set: used when it matches the settings, else cases are preprocessed on the fly (default: spark3d.finetune.preprocessed).",
        };
        var cmd = new Command("finetune", "Fine-tune a segmentation network, from a pre-training checkpoint or from scratch.")
        {
            data, runDir, steps, pretrained, scratch, preset, patch, batch, seed, decoder, device, preprocessed,
        };
        cmd.SetAction(r =>
        {
            var request = new FineTuneRequest(r.GetValue(data)!, r.GetValue(runDir)!, r.GetValue(steps), r.GetValue(pretrained),
                r.GetValue(scratch), r.GetValue(preset), r.GetValue(patch), r.GetValue(batch), r.GetValue(seed), r.GetValue(decoder),
                r.GetValue(device), r.GetValue(preprocessed));
            using var log = GlobalOptions.CreateLog(r);
            try
            {
                return FineTuneRun.Execute(GlobalOptions.LoadConfig(r), request, log);
            }
            catch (FineTuneSetupException e)
            {
                log.Failure("spark3d.finetune", "spark3d finetune: " + e.Message.ReplaceLineEndings(" "), e);
                return ExitCodes.BadInput;
            }
        });
        return cmd;
    }
}
