using System.CommandLine;
using OrleansStyle.Cli;

// Ctrl+C or SIGTERM cancels the running command's token; the command then cancels its job, stops its in-process farm
// and says so. System.CommandLine's default of 2 s before it gives up on the command is shorter than a silo's stop,
// so the user saw exit code 130 and no word of what happened.
return await CliApp.Build().Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(15) });
