using System.CommandLine;
using OrleansStyle.Cli.Commands;

var root = new RootCommand("OrleansStyle: neural style transfer, on a laptop or a render farm.")
{
    RenderCommand.Create(),
    QualityCommand.Create(),
    FeaturesCommand.Create(),
};

return await root.Parse(args).InvokeAsync();
