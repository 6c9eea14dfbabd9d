using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using StackExchange.Redis;

namespace OrleansStyle.Farm.Hosting;

/// <summary>
/// Where coordinators keep their state and reminders. A cluster keeps both in Redis, which already holds its
/// membership: a coordinator whose silo died is re-activated on another silo and reads what it had written. The
/// embedded farm is one process: its coordinators, callers and devices live and die together, so in-memory
/// storage and reminders are exactly as durable as anything that could use them (and need no Redis).
/// </summary>
public static class FarmStorage
{
    /// <summary>The grain storage name of render and training coordinators.</summary>
    public const string Jobs = "orleansstyle-jobs";

    /// <summary>Redis storage and reminders for a cluster; call before <see cref="FarmSiloBuilderExtensions.AddRenderFarm"/>.</summary>
    public static ISiloBuilder UseRedisJobStorage(this ISiloBuilder silo, string redis)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentException.ThrowIfNullOrWhiteSpace(redis);
        silo.AddRedisGrainStorage(Jobs, options => options.ConfigurationOptions = ConfigurationOptions.Parse(redis));
        silo.UseRedisReminderService(options => options.ConfigurationOptions = ConfigurationOptions.Parse(redis));
        return silo;
    }

    /// <summary>In-memory storage and reminders unless the host chose others (<see cref="UseRedisJobStorage"/>).</summary>
    internal static ISiloBuilder AddDefaultJobStorage(this ISiloBuilder silo)
    {
        var services = silo.Services;
        if (!services.Any(d => d.IsKeyedService && Equals(d.ServiceKey, Jobs) && d.ServiceType == typeof(IGrainStorage)))
        {
            silo.AddMemoryGrainStorage(Jobs);
        }

        if (!services.Any(d => d.ServiceType == typeof(IReminderTable)))
        {
            silo.UseInMemoryReminderService();
        }

        return silo;
    }
}
