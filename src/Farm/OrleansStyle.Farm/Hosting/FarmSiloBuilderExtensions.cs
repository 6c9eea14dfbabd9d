using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Runtime.MembershipService.SiloMetadata;
using OrleansStyle.Farm.Devices;
using OrleansStyle.Farm.Draining;
using OrleansStyle.Farm.Jobs;
using OrleansStyle.Farm.Models;
using OrleansStyle.Farm.Placement;
using OrleansStyle.Farm.Spool;
using OrleansStyle.Farm.Training;

namespace OrleansStyle.Farm.Hosting;

public static class FarmSiloBuilderExtensions
{
    /// <summary>
    /// Makes this silo part of the render farm: announces its devices as silo metadata, runs one device queue per
    /// device, and hosts device workers (only here, by their placement) and job coordinators.
    /// </summary>
    public static ISiloBuilder AddRenderFarm(
        this ISiloBuilder silo,
        IConfiguration? configuration = null,
        Action<DeviceOptions>? devices = null,
        Action<ModelRegistryOptions>? models = null,
        Action<JobOptions>? jobs = null,
        Action<FarmTrainingOptions>? training = null,
        Action<SpoolOptions>? spool = null,
        Action<Video.VideoOptions>? video = null)
    {
        // Devices are known before the silo starts: its metadata is fixed at join time.
        var deviceOptions = new DeviceOptions();
        configuration?.GetSection(DeviceOptions.Section).Bind(deviceOptions);
        devices?.Invoke(deviceOptions);
        var validation = new DeviceOptionsValidator().Validate(null, deviceOptions);
        if (validation.Failed)
        {
            throw new OptionsValidationException(nameof(DeviceOptions), typeof(DeviceOptions), validation.Failures);
        }

        var announced = DeviceInventory.Resolve(deviceOptions);
        silo.UseSiloMetadata(new Dictionary<string, string>
        {
            [DeviceInventory.MetadataKey] = DeviceInventory.ToMetadata(announced),
            [DeviceInventory.MaxTileMetadataKey] = DeviceInventory.MaxTileSize(deviceOptions, announced).ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        silo.AddPlacementDirector<DevicePlacementStrategy, DevicePlacementDirector>();
        silo.AddDefaultJobStorage();
        silo.AddPlacementDirector<CoordinatorPlacementStrategy, CoordinatorPlacementDirector>();

        var services = silo.Services;
        services.AddSingleton(Options.Create(deviceOptions));
        var modelOptions = services.AddOptions<ModelRegistryOptions>();
        var jobOptions = services.AddOptions<JobOptions>();
        var trainingOptions = services.AddOptions<FarmTrainingOptions>();
        var spoolOptions = services.AddOptions<SpoolOptions>();
        var videoOptions = services.AddOptions<Video.VideoOptions>();
        if (configuration is not null)
        {
            spoolOptions.Bind(configuration.GetSection(SpoolOptions.Section));
            modelOptions.Bind(configuration.GetSection(ModelRegistryOptions.Section));
            jobOptions.Bind(configuration.GetSection(JobOptions.Section));
            trainingOptions.Bind(configuration.GetSection(FarmTrainingOptions.Section));
            videoOptions.Bind(configuration.GetSection(Video.VideoOptions.Section));
        }

        if (spool is not null)
        {
            spoolOptions.Configure(spool);
        }

        if (training is not null)
        {
            trainingOptions.Configure(training);
        }

        if (models is not null)
        {
            modelOptions.Configure(models);
        }

        if (jobs is not null)
        {
            jobOptions.Configure(jobs);
        }

        if (video is not null)
        {
            videoOptions.Configure(video);
        }

        jobOptions.ValidateOnStart();
        videoOptions.ValidateOnStart();
        services.AddSingleton<IValidateOptions<Video.VideoOptions>, Video.VideoOptionsValidator>();
        services.AddSingleton<Video.IVideoFrameStore, Video.SpoolFrameStore>();
        trainingOptions.ValidateOnStart();
        spoolOptions.ValidateOnStart();
        services.AddSingleton<IValidateOptions<SpoolOptions>, SpoolOptionsValidator>();
        services.AddSingleton<JobSpool>();
        services.AddSingleton(_ => new Pixels.PixelBufferPool());
        services.AddHostedService<SpoolSweeper>();
        services.AddSingleton<RenderJobValidator>();
        services.AddSingleton<RenderJobPlanner>();
        services.AddSingleton<IValidateOptions<JobOptions>, JobOptionsValidator>();
        services.AddSingleton<IValidateOptions<FarmTrainingOptions>, FarmTrainingOptionsValidator>();
        services.AddSingleton<DeviceTrainer>();
        services.AddSingleton<IModelRegistry, DirectoryModelRegistry>();
        services.AddSingleton<FarmMetrics>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<DeviceServices>();
        services.AddSingleton<WorkerDirectory>();
        AddDrain(services, configuration);
        return silo;
    }

    /// <summary>Graceful exit on stop: see <see cref="SiloDrain"/>.</summary>
    private static void AddDrain(IServiceCollection services, IConfiguration? configuration)
    {
        var drain = services.AddOptions<DrainOptions>();
        if (configuration is not null)
        {
            drain.Bind(configuration.GetSection(DrainOptions.Section));
        }

        drain.ValidateOnStart();
        services.AddSingleton<IValidateOptions<DrainOptions>, DrainOptionsValidator>();
        services.AddSingleton<SiloDrain>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(provider => provider.GetRequiredService<SiloDrain>());
    }
}
