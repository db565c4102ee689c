using System.CommandLine;

namespace Spark3D.Host.Commands;

/// <summary>Every `spark3d` sub-command. Each lives in its own file with a static Create().</summary>
internal static class CommandCatalog
{
    public static IEnumerable<Command> All() =>
    [
        ConfigCommand.Create(),
        InfoCommand.Create(),
        EvaluateCommand.Create(),
        Startup.StartupReportCommand.Create(),
        Startup.CpuCheckCommand.Create(),
        ModelCommand.Create(),
        PhantomsCommand.Create(),
        PreprocessCommand.Create(),
        NodeCommand.Create(),
        PretrainCommand.Create(),
        FinetuneCommand.Create(),
        PredictCommand.Create(),
        ExportCommand.Create(),
    ];
}
