namespace OrleansStyle.Cli.Rendering;

/// <summary>A video's rendering rate for the progress line and the summary.</summary>
internal static class FrameRateText
{
    /// <summary>"2.4 frames/s", or "38 s/frame" below half a frame a second (optimisation), never "0.0 frames/s".</summary>
    public static string Format(double framesPerSecond) => framesPerSecond switch
    {
        double.NaN or <= 0 => "-- frames/s",
        < 0.5 => $"{1 / framesPerSecond:0.#} s/frame",
        _ => $"{framesPerSecond:F1} frames/s",
    };
}
