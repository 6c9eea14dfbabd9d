using System.Diagnostics;

namespace OrleansStyle.Imaging.Video;

/// <summary>
/// Decodes a clip with ffmpeg and hands its frames over one at a time as rgb24 read from ffmpeg's stdout, scaled to
/// <see cref="Width"/>×<see cref="Height"/>. Memory stays at one frame: ffmpeg blocks on the pipe until the caller
/// reads the next frame. Every decoded frame is passed through (-fps_mode passthrough), so the count matches the input.
/// </summary>
public sealed class VideoFrameReader : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Stream _output;
    private readonly Task<string> _error;
    private readonly byte[] _buffer;

    private VideoFrameReader(Process process, int width, int height)
    {
        _process = process;
        _output = process.StandardOutput.BaseStream;
        _error = process.StandardError.ReadToEndAsync(); // -v error keeps this to a few lines
        Width = width;
        Height = height;
        _buffer = new byte[checked(width * height * 3)];
    }

    public int Width { get; }

    public int Height { get; }

    public static VideoFrameReader Open(string path, int width, int height, VideoSegment? segment = null)
    {
        var arguments = new List<string> { "-nostdin", "-v", "error" };
        arguments.AddRange((segment ?? VideoSegment.Whole).InputArguments());
        arguments.AddRange(["-i", path, "-map", "0:v:0", "-an", "-sn", "-fps_mode", "passthrough",
            "-vf", $"scale={width}:{height}:flags=area", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"]);
        var process = Process.Start(FfmpegProcess.StartInfo(FfmpegTools.Ffmpeg, arguments))
            ?? throw new InvalidOperationException("ffmpeg did not start.");
        return new VideoFrameReader(process, width, height);
    }

    /// <summary>The next frame, or null at the end of the clip; an ffmpeg failure is an <see cref="InvalidDataException"/>.</summary>
    public async ValueTask<PlanarImage?> ReadAsync(CancellationToken cancellationToken = default)
    {
        var read = await _output.ReadAtLeastAsync(_buffer, _buffer.Length, throwOnEndOfStream: false, cancellationToken);
        if (read == _buffer.Length)
        {
            return RawFrames.ToPlanar(_buffer, Width, Height);
        }

        await _process.WaitForExitAsync(cancellationToken);
        if (_process.ExitCode != 0)
        {
            throw new InvalidDataException($"ffmpeg could not decode the clip: {FfmpegProcess.FirstLine(await _error)}");
        }

        return null; // a partial last frame cannot happen with rawvideo; ffmpeg exits 0 at the end
    }

    /// <summary>
    /// The next frame as packed rgb24 bytes in a new array (for callers that pass frames on as bytes, e.g. to the farm),
    /// or null at the end of the clip.
    /// </summary>
    public async ValueTask<byte[]?> ReadRgbAsync(CancellationToken cancellationToken = default)
    {
        var frame = new byte[_buffer.Length];
        var read = await _output.ReadAtLeastAsync(frame, frame.Length, throwOnEndOfStream: false, cancellationToken);
        if (read == frame.Length)
        {
            return frame;
        }

        await _process.WaitForExitAsync(cancellationToken);
        if (_process.ExitCode != 0)
        {
            throw new InvalidDataException($"ffmpeg could not decode the clip: {FfmpegProcess.FirstLine(await _error)}");
        }

        return null;
    }

    /// <summary>
    /// One frame at <paramref name="time"/> (seeking to the nearest earlier keyframe and decoding on), e.g. the frames
    /// that frozen statistics are captured from.
    /// </summary>
    public static async Task<PlanarImage> ReadFrameAtAsync(string path, TimeSpan time, int width, int height, CancellationToken cancellationToken = default)
    {
        await using var reader = Open(path, width, height, new VideoSegment(time));
        return await reader.ReadAsync(cancellationToken)
            ?? throw new InvalidDataException($"{Path.GetFileName(path)} has no frame at {VideoSegment.Seconds(time)} s.");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true); // stopped early: nobody reads the rest
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
