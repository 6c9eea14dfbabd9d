using Microsoft.Extensions.Options;

namespace OrleansStyle.Farm.Devices;

/// <summary>Rejects device settings the silo cannot run with, saying which setting to change and how.</summary>
public sealed class DeviceOptionsValidator : IValidateOptions<DeviceOptions>
{
    public ValidateOptionsResult Validate(string? name, DeviceOptions options)
    {
        var problems = new List<string>();
        foreach (var device in options.Devices)
        {
            if (!DeviceDescriptor.TryParse(device, out _))
            {
                problems.Add($"{DeviceOptions.Section}:Devices contains '{device}': use cpu, cuda:N or sim:N (N = 0, 1, …).");
            }
        }

        if (options.Devices.Distinct(StringComparer.OrdinalIgnoreCase).Count() != options.Devices.Count)
        {
            problems.Add($"{DeviceOptions.Section}:Devices lists a device twice: name each device once.");
        }

        if (options.MaxBatch is < 1 or > 256)
        {
            problems.Add($"{DeviceOptions.Section}:MaxBatch is {options.MaxBatch}: use 1 (no batching) to 256; 8 suits most GPUs.");
        }

        if (options.MaxTileSize is < 0 or (> 0 and < 64) or > 16_384)
        {
            problems.Add($"{DeviceOptions.Section}:MaxTileSize is {options.MaxTileSize}: use 0 (by device) or 64–16384 pixels.");
        }

        if (options.CpuMaxBatch < 1)
        {
            problems.Add($"{DeviceOptions.Section}:CpuMaxBatch is {options.CpuMaxBatch}: use 1 (fastest on CPUs) or more.");
        }

        if (options.MaxQueueDelay < TimeSpan.Zero || options.MaxQueueDelay > TimeSpan.FromSeconds(1))
        {
            problems.Add($"{DeviceOptions.Section}:MaxQueueDelay is {options.MaxQueueDelay}: use 0 to 00:00:01 (a few milliseconds is typical).");
        }

        if (options.QueueCapacity < options.MaxBatch)
        {
            problems.Add($"{DeviceOptions.Section}:QueueCapacity ({options.QueueCapacity}) is below MaxBatch ({options.MaxBatch}): raise it to at least MaxBatch.");
        }

        if (options.ModelMemoryBudgetBytes < 16L << 20)
        {
            problems.Add($"{DeviceOptions.Section}:ModelMemoryBudgetBytes is {options.ModelMemoryBudgetBytes}: give at least 16777216 (16 MiB) so one model fits.");
        }

        if (options.SimulatedLatency < TimeSpan.Zero || options.SimulatedLatencyPerExtraTile < TimeSpan.Zero)
        {
            problems.Add($"{DeviceOptions.Section}:SimulatedLatency and SimulatedLatencyPerExtraTile must not be negative.");
        }

        if (options.CpuThreads < 0)
        {
            problems.Add($"{DeviceOptions.Section}:CpuThreads is {options.CpuThreads}: use 0 (each runtime's default) or a positive thread count.");
        }

        if (!Enum.IsDefined(options.CpuRuntime))
        {
            problems.Add($"{DeviceOptions.Section}:CpuRuntime is {options.CpuRuntime}: use Onnx (fastest) or Torch.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
