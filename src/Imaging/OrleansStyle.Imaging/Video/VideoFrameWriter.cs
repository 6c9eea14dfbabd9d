using System.Diagnostics;

namespace OrleansStyle.Imaging.Video;

/// <summary>
/// Encodes frames written one at a time as rgb24 into ffmpeg's stdin, at the source's exact frame rate, with the
/// source's audio (same segment) copied unchanged where the container takes it. ffmpeg writes to a temporary name next
/// to the output; <see cref="CompleteAsync"/> moves it into place, and disposing without completing deletes it, so a
/// failed or cancelled run leaves nothing behind.
/// </summary>
public sealed class VideoFrameWriter : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Stream _input;
    private readonly Task<string> _error;
    private readonly byte[] _buffer;
    private readonly string _temporary;
    private readonly string _output;
    private readonly VideoOutputFormat _format;
    private bool _completed;

    private VideoFrameWriter(Process process, int width, int height, string temporary, string output, VideoOutputFormat format)
    {
        _process = process;
        _input = process.StandardInput.BaseStream;
        _error = process.StandardError.ReadToEndAsync();
        _buffer = new byte[checked(width * height * 3)];
        Width = width;
        Height = height;
        _temporary = temporary;
        _output = output;
        _format = format;
    }

    public int Width { get; }

    public int Height { get; }

    public long FramesWritten { get; private set; }

    /// <summary>
    /// Starts the encoder for <paramref name="output"/> (format from its extension, see <see cref="VideoOutputFormats"/>).
    /// <paramref name="source"/> and <paramref name="segment"/> supply the audio; <paramref name="info"/> the frame rate.
    /// </summary>
    public static VideoFrameWriter Create(string output, int width, int height, string source, VideoInfo info, VideoSegment? segment = null)
    {
        var format = VideoOutputFormats.FromPath(output);
        if (format.NeedsEvenSize() && (width % 2 != 0 || height % 2 != 0))
        {
            throw new ArgumentException($"{format} needs even frame sides; {width}×{height} is not.");
        }

        var full = Path.GetFullPath(output.TrimEnd('/', Path.DirectorySeparatorChar));
        if (format == VideoOutputFormat.PngFrames && Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any())
        {
            throw new ArgumentException($"{output} is a folder that is not empty; give a new or empty folder for PNG frames.");
        }

        var folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"The output folder {folder} does not exist.");
        }

        // A run killed outright (SIGKILL, power loss) cannot delete its temporary output: the next run for the same
        // output does, so a resumed job leaves nothing behind either.
        foreach (var stale in Directory.EnumerateFileSystemEntries(folder, $".{Path.GetFileNameWithoutExtension(full)}.partial-*{Path.GetExtension(full)}"))
        {
            if (Directory.Exists(stale))
            {
                Directory.Delete(stale, recursive: true);
            }
            else
            {
                File.Delete(stale);
            }
        }

        // Same folder, so the final move is a rename; the extension stays last so a reader can tell what it is.
        var temporary = Path.Combine(folder, $".{Path.GetFileNameWithoutExtension(full)}.partial-{Guid.NewGuid():N}{Path.GetExtension(full)}");
        var arguments = new List<string>
        {
            "-nostdin", "-v", "error", "-y",
            "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", $"{width}x{height}", "-framerate", info.FrameRate.ToString(), "-i", "pipe:0",
        };
        if (format != VideoOutputFormat.PngFrames && info.HasAudio)
        {
            arguments.AddRange((segment ?? VideoSegment.Whole).InputArguments());
            arguments.AddRange(["-vn", "-i", source, "-map", "0:v:0", "-map", "1:a?"]);
            arguments.AddRange(AudioCodec(format, info.AudioCodec));
        }

        switch (format)
        {
            case VideoOutputFormat.Mp4:
                arguments.AddRange(["-c:v", "libx264", "-preset", "medium", "-crf", "18", "-pix_fmt", "yuv420p", "-movflags", "+faststart", "-f", "mp4", temporary]);
                break;
            case VideoOutputFormat.WebM:
                arguments.AddRange(["-c:v", "libvpx-vp9", "-crf", "30", "-b:v", "0", "-row-mt", "1", "-pix_fmt", "yuv420p", "-f", "webm", temporary]);
                break;
            default:
                Directory.CreateDirectory(temporary);
                arguments.AddRange(["-c:v", "png", "-f", "image2", "-start_number", "1", Path.Combine(temporary, "frame_%06d.png")]);
                break;
        }

        var process = Process.Start(FfmpegProcess.StartInfo(FfmpegTools.Ffmpeg, arguments, redirectInput: true, redirectOutput: false))
            ?? throw new InvalidOperationException("ffmpeg did not start.");
        return new VideoFrameWriter(process, width, height, temporary, full, format);
    }

    public async ValueTask WriteAsync(PlanarImage frame, CancellationToken cancellationToken = default)
    {
        if (frame.Width != Width || frame.Height != Height || frame.Channels != 3)
        {
            throw new ArgumentException($"The writer takes {Width}×{Height} RGB frames; this one is {frame.Width}×{frame.Height}×{frame.Channels}.", nameof(frame));
        }

        RawFrames.FromPlanar(frame, _buffer);
        await WriteRgbAsync(_buffer, cancellationToken);
    }

    /// <summary>Writes one frame given as packed rgb24 bytes (<see cref="Width"/> × <see cref="Height"/> × 3).</summary>
    public async ValueTask WriteRgbAsync(ReadOnlyMemory<byte> rgb, CancellationToken cancellationToken = default)
    {
        if (rgb.Length != _buffer.Length)
        {
            throw new ArgumentException($"The writer takes {Width}×{Height} RGB frames ({_buffer.Length} bytes); this one has {rgb.Length} bytes.", nameof(rgb));
        }

        try
        {
            await _input.WriteAsync(rgb, cancellationToken);
        }
        catch (IOException ex)
        {
            throw new VideoEncodingException($"ffmpeg stopped encoding: {FfmpegProcess.FirstLine(await _error)}", ex);
        }

        FramesWritten++;
    }

    /// <summary>Ends the stream, waits for ffmpeg to finish the file and moves it to the output path (replacing a file there).</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken = default)
    {
        await _input.FlushAsync(cancellationToken);
        _input.Close();
        await _process.WaitForExitAsync(cancellationToken);
        if (_process.ExitCode != 0)
        {
            throw new VideoEncodingException($"ffmpeg could not encode {Path.GetFileName(_output)}: {FfmpegProcess.FirstLine(await _error)}");
        }

        if (_format == VideoOutputFormat.PngFrames)
        {
            if (Directory.Exists(_output))
            {
                Directory.Delete(_output); // checked empty when the writer started
            }

            Directory.Move(_temporary, _output);
        }
        else
        {
            File.Move(_temporary, _output, overwrite: true);
        }

        _completed = true;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
        if (!_completed)
        {
            if (Directory.Exists(_temporary))
            {
                Directory.Delete(_temporary, recursive: true);
            }
            else if (File.Exists(_temporary))
            {
                File.Delete(_temporary);
            }
        }
    }

    /// <summary>Copy the audio unchanged unless the container cannot hold its codec (WebM: Opus/Vorbis only).</summary>
    private static string[] AudioCodec(VideoOutputFormat format, string? codec) => format switch
    {
        VideoOutputFormat.WebM when codec is not ("opus" or "vorbis") => ["-c:a", "libopus"],
        VideoOutputFormat.Mp4 when codec is "vorbis" or "pcm_s16le" or "pcm_s24le" or "flac" => ["-c:a", "aac"],
        _ => ["-c:a", "copy"],
    };
}
