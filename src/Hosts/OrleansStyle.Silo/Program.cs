using Microsoft.Extensions.Hosting;
using OrleansStyle.Silo;

using var host = FarmSiloHost.Build(args);
await host.RunAsync();
