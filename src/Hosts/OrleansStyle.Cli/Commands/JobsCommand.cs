using System.CommandLine;
using Grpc.Core;
using OrleansStyle.Cli.Gateway;
using OrleansStyle.Gateway.V1;
using OrleansStyle.Imaging;
using Spectre.Console;
using WireFormat = OrleansStyle.Gateway.V1.OutputFormat;

namespace OrleansStyle.Cli.Commands;

/// <summary><c>jobs get|attach|cancel ID</c>: the gateway's Jobs service.</summary>
internal static class JobsCommand
{
    public static Command Create()
    {
        var command = new Command("jobs", "Look at, re-attach to or cancel a job on a gateway by its id.");
        command.Subcommands.Add(Get());
        command.Subcommands.Add(Attach());
        command.Subcommands.Add(Cancel());
        return command;
    }

    private static Command Get()
    {
        var id = new Argument<string>("id") { Description = "The job's id." };
        var gateway = new GatewayOptionsSet();
        var command = new Command("get", "Print a job's status.") { id };
        gateway.AddTo(command);
        command.SetAction((parse, cancellationToken) => CliErrors.Guard(() => GatewayCallErrors.Guard(async () =>
        {
            using var channel = GatewayChannels.Open(parse.GetValue(gateway.Gateway)!);
            var job = await new Jobs.JobsClient(channel).GetJobAsync(
                new GetJobRequest { JobId = parse.GetValue(id)! }, GatewayChannels.Headers(parse.GetValue(gateway.ApiKey)), cancellationToken: cancellationToken);
            Print(job);
            return 0;
        })));
        return command;
    }

    private static Command Attach()
    {
        var id = new Argument<string>("id") { Description = "The job's id." };
        var output = new Option<string>("--output", "-o") { Description = "Result path; the extension picks PNG, JPEG or WebP.", Required = true };
        var gateway = new GatewayOptionsSet();
        var command = new Command("attach", "Wait for a job (running or finished) and write its result.") { id, output };
        gateway.AddTo(command);
        command.SetAction((parse, cancellationToken) => CliErrors.Guard(() => GatewayCallErrors.Guard(async () =>
        {
            var path = Path.GetFullPath(parse.GetValue(output)!);
            var format = ImageWriter.FormatForPath(path) switch
            {
                Imaging.OutputFormat.Jpeg => WireFormat.Jpeg,
                Imaging.OutputFormat.WebpLossless => WireFormat.WebpLossless,
                Imaging.OutputFormat.WebpLossy => WireFormat.WebpLossy,
                _ => WireFormat.Png,
            };
            using var channel = GatewayChannels.Open(parse.GetValue(gateway.Gateway)!);
            using var call = new Jobs.JobsClient(channel).AttachJob(
                new AttachJobRequest { JobId = parse.GetValue(id)!, OutputFormat = format }, GatewayChannels.Headers(parse.GetValue(gateway.ApiKey)), cancellationToken: cancellationToken);
            var partial = path + ".partial";
            RenderSummary? summary = null;
            try
            {
                await using var file = File.Create(partial);
                await foreach (var item in call.ResponseStream.ReadAllAsync(cancellationToken))
                {
                    if (item.EventCase == RenderEvent.EventOneofCase.Result)
                    {
                        item.Result.Data.WriteTo(file);
                    }
                    else if (item.EventCase == RenderEvent.EventOneofCase.Summary)
                    {
                        summary = item.Summary;
                    }
                }
            }
            catch
            {
                File.Delete(partial); // never leave half a picture behind
                throw;
            }

            if (summary is null)
            {
                File.Delete(partial);
                throw new InvalidDataException("The gateway ended without a summary; the result is incomplete.");
            }

            File.Move(partial, path, overwrite: true);
            AnsiConsole.MarkupLine($"Wrote [green]{Markup.Escape(parse.GetValue(output)!)}[/] ({summary.Job.Width}×{summary.Job.Height}).");
            return 0;
        })));
        return command;
    }

    private static Command Cancel()
    {
        var id = new Argument<string>("id") { Description = "The job's id." };
        var reason = new Option<string?>("--reason") { Description = "Why (kept in the job's status)." };
        var gateway = new GatewayOptionsSet();
        var command = new Command("cancel", "Cancel a job; its tiles stop on every worker.") { id, reason };
        gateway.AddTo(command);
        command.SetAction((parse, cancellationToken) => CliErrors.Guard(() => GatewayCallErrors.Guard(async () =>
        {
            using var channel = GatewayChannels.Open(parse.GetValue(gateway.Gateway)!);
            var job = await new Jobs.JobsClient(channel).CancelJobAsync(
                new CancelJobRequest { JobId = parse.GetValue(id)!, Reason = parse.GetValue(reason) ?? "" },
                GatewayChannels.Headers(parse.GetValue(gateway.ApiKey)), cancellationToken: cancellationToken);
            Print(job);
            return 0;
        })));
        return command;
    }

    private static void Print(JobInfo job) =>
        AnsiConsole.MarkupLine(Markup.Escape(
            $"{job.JobId}: {job.State}, {job.Width}×{job.Height}, {job.TilesDone}/{job.TilesTotal} tiles"
            + (job.Eta is { } eta ? $", about {eta.ToTimeSpan().TotalSeconds:F0} s left" : "")
            + (job.Error.Length > 0 ? $" ({job.Error})" : "")));
}
