using Microsoft.Extensions.Options;

namespace OrleansStyle.Farm.Video;

public sealed class VideoOptionsValidator : IValidateOptions<VideoOptions>
{
    public ValidateOptionsResult Validate(string? name, VideoOptions options)
    {
        var problems = new List<string>();
        if (options.MaxFramesInFlight is < 1 or > 1024)
        {
            problems.Add($"{VideoOptions.Section}:MaxFramesInFlight is {options.MaxFramesInFlight}: use 1–1024 (about twice the frames all devices batch at once).");
        }

        return problems.Count > 0 ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }
}
