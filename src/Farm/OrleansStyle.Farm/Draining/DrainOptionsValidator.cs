using Microsoft.Extensions.Options;

namespace OrleansStyle.Farm.Draining;

/// <summary>Rejects drain settings a silo cannot honour, saying what to set instead.</summary>
public sealed class DrainOptionsValidator : IValidateOptions<DrainOptions>
{
    /// <summary>Longer than any single tile should take; beyond it a stuck device would only hold the pod.</summary>
    public static TimeSpan MaxGracePeriod { get; } = TimeSpan.FromMinutes(30);

    public ValidateOptionsResult Validate(string? name, DrainOptions options) =>
        options.GracePeriod <= TimeSpan.Zero || options.GracePeriod > MaxGracePeriod
            ? ValidateOptionsResult.Fail(
                $"{DrainOptions.Section}:GracePeriod is {options.GracePeriod}: use a positive time of at most {MaxGracePeriod.TotalMinutes:0} minutes "
                + "(00:01:00 is the default; give the slowest tile's time, and keep Kubernetes' terminationGracePeriodSeconds above it "
                + $"plus {DrainOptions.StopAllowance.TotalSeconds:0} s).")
            : ValidateOptionsResult.Success;
}
