using OrleansStyle.Farm.Devices;
using OrleansStyle.Farm.Jobs;
using OrleansStyle.Farm.Pixels;
using OrleansStyle.Farm.Placement;
using OrleansStyle.Farm.Spool;
using OrleansStyle.Farm.Training;

namespace OrleansStyle.Farm.Workers;

/// <summary>
/// A handle onto one device of this silo. Calls only enqueue work on the device's queue and await it, so the
/// grain never blocks and many tiles (from many jobs) are in flight at once for the batcher to combine.
/// </summary>
[DevicePlacement]
public sealed class DeviceWorkerGrain(DeviceServices devices, DeviceTrainer trainer, JobSpool spool, PixelBufferPool windows, ILocalSiloDetails silo) : Grain, IDeviceWorkerGrain
{
    private DeviceQueue? _queue;

    private DeviceQueue Queue => _queue ??= devices[WorkerAddress.TryParse(this.GetPrimaryKeyString(), out var address)
        ? address.Device
        : throw new InvalidOperationException($"Worker key '{this.GetPrimaryKeyString()}' is not SILO|DEVICE.")];

    public async Task<TileResult> Render(TileWork work, CancellationToken cancellationToken)
    {
        using var deadline = Deadline(work.Deadline, cancellationToken);
        byte[]? window = null;
        if (work.Spooled is { } spooled)
        {
            var bands = new SortedDictionary<int, int>();
            for (var i = 0; i < spooled.BandStarts.Length; i++)
            {
                bands.Add(spooled.BandStarts[i], spooled.BandRows[i]);
            }

            var source = new SpooledSource(spool, spooled.JobId, spooled.PictureWidth, spooled.PictureHeight, bands);
            work = work with { Content = await source.CropAsync(spooled.Rect, windows, deadline.Token), Spooled = null };
            window = work.Content.Data;
        }

        var result = await Queue.Enqueue(work, deadline.Token);
        if (work.Keep is { } keep && (keep.Width != result.Pixels.Width || keep.Height != result.Pixels.Height))
        {
            result = result with { Pixels = result.Pixels.Crop(keep) };
        }

        // The device is done with the window it read, unless it is the reply itself (a device that returns its input).
        if (window is not null && !ReferenceEquals(window, result.Pixels.Data))
        {
            windows.Return(window);
        }

        return result;
    }

    public Task<TileResult> Optimize(TileWork work, CancellationToken cancellationToken) => Render(work, cancellationToken);

    public async Task<FrozenStatistics> CaptureStatistics(StatisticsWork work, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        return await Queue.EnqueueStatistics(work, linked.Token);
    }

    public Task StartTraining(string jobId, TrainingSpec spec)
    {
        trainer.Start(jobId, spec, Queue.Device, this.GetPrimaryKeyString());
        return Task.CompletedTask;
    }

    public Task<bool> CancelTraining(string jobId, string reason) => Task.FromResult(trainer.Cancel(jobId));

    public Task<WorkerLoad> GetLoad() => Task.FromResult(Queue.Load with { Silo = silo.SiloAddress.ToParsableString() });

    private static CancellationTokenSource Deadline(DateTimeOffset? deadline, CancellationToken cancellationToken)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (deadline is { } at)
        {
            source.CancelAfter(at - DateTimeOffset.UtcNow is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero);
        }

        return source;
    }
}
