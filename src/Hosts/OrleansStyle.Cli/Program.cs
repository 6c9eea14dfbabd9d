using OrleansStyle.Cli;

return await CliApp.Build().Parse(args).InvokeAsync();
