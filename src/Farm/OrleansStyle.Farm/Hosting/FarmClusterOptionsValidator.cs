using System.Net;
using Microsoft.Extensions.Options;

namespace OrleansStyle.Farm.Hosting;

/// <summary>Rejects cluster settings a silo or gateway cannot join with, saying what to set instead.</summary>
public sealed class FarmClusterOptionsValidator : IValidateOptions<FarmClusterOptions>
{
    public ValidateOptionsResult Validate(string? name, FarmClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        const string s = FarmClusterOptions.Section;
        var problems = new List<string>();
        if (options.Membership == FarmMembership.Redis && string.IsNullOrWhiteSpace(options.Redis))
        {
            problems.Add($"{s}:Membership is Redis but {s}:Redis is empty: give the Redis connection string, e.g. redis:6379 (env OrleansStyle__Cluster__Redis).");
        }

        if (!Enum.IsDefined(options.Membership))
        {
            problems.Add($"{s}:Membership is {options.Membership}: use Localhost (one machine) or Redis (a cluster).");
        }

        if (string.IsNullOrWhiteSpace(options.ClusterId) || string.IsNullOrWhiteSpace(options.ServiceId))
        {
            problems.Add($"{s}:ClusterId and {s}:ServiceId must not be empty: silos and gateways of one farm share both (default by default, as orleans-style serve assumes).");
        }

        if (options.SiloPort is < 1 or > 65535 || options.GatewayPort is < 1 or > 65535 || options.SiloPort == options.GatewayPort)
        {
            problems.Add($"{s}:SiloPort ({options.SiloPort}) and {s}:GatewayPort ({options.GatewayPort}) must be two different ports in 1–65535 (11111 and 30000 by default).");
        }

        if (options.AdvertisedAddress is { Length: > 0 } address && !IPAddress.TryParse(address, out _))
        {
            problems.Add($"{s}:AdvertisedAddress '{address}' is not an IP address: give the address other silos reach this one at, or leave it unset.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    /// <summary>Validates before the host exists (clustering is chosen while building it).</summary>
    public static FarmClusterOptions Require(FarmClusterOptions options)
    {
        var result = new FarmClusterOptionsValidator().Validate(null, options);
        return result.Failed ? throw new OptionsValidationException(nameof(FarmClusterOptions), typeof(FarmClusterOptions), result.Failures) : options;
    }
}
