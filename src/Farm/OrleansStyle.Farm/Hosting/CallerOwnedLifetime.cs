using Microsoft.Extensions.Hosting;

namespace OrleansStyle.Farm.Hosting;

/// <summary>
/// The lifetime of a host started inside another program (the CLI's embedded farm and gateway): it leaves SIGINT and
/// SIGTERM to that program. The default console lifetime takes both signals and only flags the host as stopping,
/// which nothing awaits, so Ctrl+C did nothing at all to an in-process render; the program that owns the host
/// decides what a signal means (cancel the render, drain the gateway) and stops the host itself.
/// </summary>
public sealed class CallerOwnedLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
