using System.CommandLine;
using OrleansStyle.Cli.Commands;

namespace OrleansStyle.Cli;

public static class CliApp
{
    public static RootCommand Build() => new("OrleansStyle: neural style transfer, on a laptop or a render farm.")
    {
        RenderCommand.Create(),
        VideoCommand.Create(),
        QualityCommand.Create(),
        FeaturesCommand.Create(),
        TrainCommand.Create(),
        ServeCommand.Create(),
        ModelsCommand.Create(),
        StylesCommand.Create(),
        ClipsCommand.Create(),
        JobsCommand.Create(),
    };
}
