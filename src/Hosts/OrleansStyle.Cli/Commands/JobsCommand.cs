using System.CommandLine;
using OrleansStyle.Cli.Gateway;
using OrleansStyle.Gateway.V1;
using Spectre.Console;

namespace OrleansStyle.Cli.Commands;

/// <summary><c>jobs get|attach|cancel ID</c>: the gateway's Jobs service.</summary>
internal static class JobsCommand
{
    public static Command Create()
    {
        var command = new Command("jobs", """
            Look at, re-attach to or cancel a job on a gateway by its id (your own jobs only). Examples:
              orleans-style jobs get job-1234 --gateway http://localhost:5080
              orleans-style jobs attach job-1234 -o result.png --gateway http://localhost:5080
            """);
        command.Subcommands.Add(Get());
        command.Subcommands.Add(Attach());
        command.Subcommands.Add(Cancel());
        return command;
    }

    private static Command Get()
    {
        var id = new Argument<string>("id") { Description = "The job's id." };
        return GatewayCommand.Create("get", "Print a job's status.", async call =>
        {
            // Asked while the farm brings the job's coordinator back after losing a silo: UNAVAILABLE asks again.
            var jobId = call.Get(id);
            Print(await new GatewayReconnect(jobId).RunAsync(
                async _ => await new Jobs.JobsClient(call.Channel).GetJobAsync(new GetJobRequest { JobId = jobId }, call.Headers, cancellationToken: call.CancellationToken),
                call.CancellationToken));
            return 0;
        }, id);
    }

    private static Command Attach()
    {
        var id = new Argument<string>("id") { Description = "The job's id." };
        var output = new Option<string>("--output", "-o") { Description = "Result path; the extension picks PNG, JPEG or WebP.", Required = true };
        return GatewayCommand.Create("attach", "Wait for a job (running or finished) and write its result.", async call =>
        {
            var path = call.Get(output)!;
            var jobId = call.Get(id);

            // The farm may be bringing the job's coordinator back after losing a silo: UNAVAILABLE re-attaches.
            var reconnect = new GatewayReconnect(jobId);
            var summary = await reconnect.RunAsync(
                async _ =>
                {
                    using var attached = new Jobs.JobsClient(call.Channel).AttachJob(
                        new AttachJobRequest { JobId = jobId, OutputFormat = ResultFile.FormatFor(path) }, call.Headers, cancellationToken: call.CancellationToken);
                    return await ResultFile.WriteAsync(attached.ResponseStream, path, _ => reconnect.Progressed(), call.CancellationToken);
                },
                call.CancellationToken);
            AnsiConsole.MarkupLine($"Wrote [green]{Markup.Escape(path)}[/] ({summary.Job.Width}×{summary.Job.Height}).");
            return 0;
        }, id, output);
    }

    private static Command Cancel()
    {
        var id = new Argument<string>("id") { Description = "The job's id." };
        var reason = new Option<string?>("--reason") { Description = "Why (kept in the job's status)." };
        return GatewayCommand.Create("cancel", "Cancel a job; its tiles stop on every worker.", async call =>
        {
            Print(await new Jobs.JobsClient(call.Channel).CancelJobAsync(
                new CancelJobRequest { JobId = call.Get(id), Reason = call.Get(reason) ?? "" }, call.Headers, cancellationToken: call.CancellationToken));
            return 0;
        }, id, reason);
    }

    private static void Print(JobInfo job) =>
        AnsiConsole.MarkupLine(Markup.Escape(
            $"{job.JobId}: {job.State}, {job.Width}×{job.Height}, {job.TilesDone}/{job.TilesTotal} tiles"
            + (job.Eta is { } eta ? $", about {eta.ToTimeSpan().TotalSeconds:F0} s left" : "")
            + (job.Error.Length > 0 ? $" ({job.Error})" : "")));
}
