using Microsoft.Extensions.Options;

namespace OrleansStyle.Gateway.Options;

/// <summary>Refuses gateway settings that would leave it unsafe or unusable, saying what to set instead.</summary>
public sealed class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
{
    /// <summary>Shorter keys can be guessed; 16 characters of a random string is the least we accept.</summary>
    public const int MinimumKeyLength = 16;

    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        const string s = GatewayOptions.Section;
        var problems = new List<string>();
        if (options.MaxUploadBytes < 1 || options.MaxUploadBytes > Imaging.ImageLimits.LargestReadableBytes)
        {
            problems.Add($"{s}:MaxUploadBytes is {options.MaxUploadBytes}: use 1 to {Imaging.ImageLimits.LargestReadableBytes} bytes (268435456, 256 MiB, is the default).");
        }

        if (!double.IsFinite(options.MaxMegapixels) || options.MaxMegapixels <= 0 || options.MaxPixels > Imaging.ImageLimits.DefaultMaxPixels)
        {
            problems.Add($"{s}:MaxMegapixels is {options.MaxMegapixels}: use a positive number up to {Imaging.ImageLimits.DefaultMaxPixels / 1e6:0} (64 is the default; a 4096×4096 picture is 16.8).");
        }

        if (options.MaxStyleBytes < 1 || options.MaxStyleBytes > Imaging.ImageLimits.LargestReadableBytes)
        {
            problems.Add($"{s}:MaxStyleBytes is {options.MaxStyleBytes}: use 1 to {Imaging.ImageLimits.LargestReadableBytes} bytes (33554432, 32 MiB, is the default).");
        }

        if (string.IsNullOrWhiteSpace(options.StyleDirectory))
        {
            problems.Add($"{s}:StyleDirectory is empty: name the style library's folder (a shared volume in a cluster), e.g. styles.");
        }

        if (options.EnableStudio && !options.EnableGrpcWeb)
        {
            problems.Add($"{s}:EnableStudio is true but EnableGrpcWeb is false: the studio's calls are gRPC-Web; turn EnableGrpcWeb on, or EnableStudio off.");
        }

        if (options.MaxStreamDuration <= TimeSpan.Zero)
        {
            problems.Add($"{s}:MaxStreamDuration is {options.MaxStreamDuration}: use a positive time such as 00:30:00.");
        }

        if (options.ShutdownGrace < TimeSpan.Zero || options.ShutdownGrace > GatewayOptions.MaxShutdownGrace)
        {
            problems.Add(
                $"{s}:ShutdownGrace is {options.ShutdownGrace}: use 00:00:00 to {GatewayOptions.MaxShutdownGrace} (serve --shutdown-grace 0 to {GatewayOptions.MaxShutdownGrace.TotalSeconds:0}; "
                + "00:00:30 is the default), and keep Kubernetes' terminationGracePeriodSeconds above it.");
        }

        if (options.MaxConcurrentJobsPerCaller < 1)
        {
            problems.Add($"{s}:MaxConcurrentJobsPerCaller is {options.MaxConcurrentJobsPerCaller}: use at least 1 (4 is the default).");
        }

        if (options.RequestsPerMinutePerCaller < 0)
        {
            problems.Add($"{s}:RequestsPerMinutePerCaller is {options.RequestsPerMinutePerCaller}: use 0 (no rate limit) or a positive number such as 600.");
        }

        if (options.MaxModelBytes < 1)
        {
            problems.Add($"{s}:MaxModelBytes is {options.MaxModelBytes}: use a positive byte count (536870912, 512 MiB, is the default).");
        }

        if (options.ResultChunkBytes is < 1024 or > GatewayOptions.MaxChunkBytes)
        {
            problems.Add($"{s}:ResultChunkBytes is {options.ResultChunkBytes}: use 1024 to {GatewayOptions.MaxChunkBytes} (1 MiB).");
        }

        if (options.RequireApiKey && options.ApiKeys.Count == 0)
        {
            problems.Add(
                $"{s}:RequireApiKey is true but {s}:ApiKeys is empty, so no caller could get in: add keys as {s}:ApiKeys:NAME=KEY "
                + "(environment: OrleansStyle__Gateway__ApiKeys__NAME=KEY), or set RequireApiKey to false only on localhost or behind an authenticating proxy.");
        }

        foreach (var (caller, key) in options.ApiKeys)
        {
            if (string.IsNullOrWhiteSpace(caller))
            {
                problems.Add($"{s}:ApiKeys has a key without a caller name: name every key, e.g. {s}:ApiKeys:ci=KEY.");
            }

            if (key is null || key.Length < MinimumKeyLength)
            {
                problems.Add($"{s}:ApiKeys:{caller} is shorter than {MinimumKeyLength} characters: use a long random key, e.g. the output of `openssl rand -hex 24`.");
            }
        }

        if (options.ApiKeys.Values.Where(k => k is not null).GroupBy(k => k, StringComparer.Ordinal).Any(g => g.Count() > 1))
        {
            problems.Add($"{s}:ApiKeys gives two callers the same key: give each caller its own key so limits and logs can tell them apart.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
