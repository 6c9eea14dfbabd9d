using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using OrleansStyle.Cli;
using OrleansStyle.Gateway.V1;
using OrleansStyle.Gateway.Video;
using OrleansStyle.Imaging;
using OrleansStyle.Imaging.Quality;
using OrleansStyle.Tests.Shared;

namespace OrleansStyle.Gateway.Tests;

/// <summary>orleansstyle.v1.Video against the real gateway and its embedded farm, with clips made by the real ffmpeg.</summary>
[Collection(GatewayCollection.Name)]
public sealed class VideoServiceTests(GatewayServer server) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("orleansstyle-video-service-").FullName;

    private string WorkDirectory => Path.Combine(server.VideoDirectory, "work");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_clip_uploaded_in_chunks_comes_back_with_its_frame_count_rate_duration_and_audio_with_progress_and_previews()
    {
        var clip = await TestClips.PanAsync(_folder, 96, 64);
        var header = Header();
        header.PreviewSide = 32;
        var output = Path.Combine(_folder, "painted.mp4");

        var events = await RenderAsync(header, clip, output);

        Assert.Equal(VideoEvent.EventOneofCase.Accepted, events[0].EventCase);
        Assert.Equal(24, events.Where(e => e.EventCase == VideoEvent.EventOneofCase.Progress).Max(e => e.Progress.FramesDone));
        var preview = events.First(e => e.EventCase == VideoEvent.EventOneofCase.Preview).Preview;
        using (var image = new SafeImageReader().ReadRgb(preview.Png.ToByteArray()))
        {
            Assert.Equal((32, 21), (image.Width, image.Height));
        }

        var summary = events[^1].Summary;
        Assert.Equal(("video/mp4", 24, "12/1", true), (summary.MediaType, summary.Job.FramesDone, summary.Job.FrameRate, summary.Job.HasAudio));
        var source = await TestClips.ProbeAsync(clip);
        var result = await TestClips.ProbeAsync(output);
        Assert.Equal((24L, source.Rate, 96, 64), (result.Frames, result.Rate, result.Width, result.Height));
        Assert.Equal(source.Duration, result.Duration, 0.05);
        Assert.Equal("aac", result.AudioCodec);
        Assert.Equal(source.AudioDuration, result.AudioDuration, 0.05);
        Assert.Empty(Directory.EnumerateFileSystemEntries(WorkDirectory)); // the upload and result are gone once streamed
    }

    [Fact]
    public async Task Video_with_gateway_in_the_CLI_writes_the_stylised_clip_with_its_audio()
    {
        var clip = await TestClips.PanAsync(_folder, 96, 64);
        var output = Path.Combine(_folder, "cli.mp4");

        var exit = await CliApp.Build().Parse(
            ["video", clip, "--gateway", server.Host.Address.ToString(), "--api-key", GatewayServer.ApiKey,
             "--model", GatewayFixtures.Multi, "--style", "style1", "-o", output]).InvokeAsync();

        Assert.Equal(0, exit);
        var result = await TestClips.ProbeAsync(output);
        Assert.Equal((24L, "12/1", "aac"), (result.Frames, result.Rate, result.AudioCodec));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_folder, ".cli.mp4*"));
    }

    [Fact]
    public async Task A_detached_video_job_runs_on_after_its_call_ends_and_Attach_by_id_gets_the_result()
    {
        var clip = await TestClips.PanAsync(_folder, 96, 64);
        var header = Header();
        header.JobId = $"detached-{Guid.NewGuid():N}";
        header.DetachOnDisconnect = true;
        using (var stop = new CancellationTokenSource())
        {
            using var call = server.Video.Render(GatewayServer.Key, cancellationToken: stop.Token);
            await SendAsync(call.RequestStream, header, clip);
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
            Assert.Equal(header.JobId, call.ResponseStream.Current.Accepted.JobId);
            await stop.CancelAsync(); // the client goes away right after the job was accepted
        }

        var output = Path.Combine(_folder, "attached.mp4");
        using var attach = server.Video.Attach(new AttachVideoRequest { JobId = header.JobId }, GatewayServer.Key);
        var events = await CollectAsync(attach.ResponseStream, output);

        Assert.Equal(24, events[^1].Summary.Job.FramesDone);
        Assert.Equal(24L, (await TestClips.ProbeAsync(output)).Frames);
        var other = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            using var again = server.Video.Attach(new AttachVideoRequest { JobId = header.JobId }, GatewayServer.OtherKey);
            await again.ResponseStream.MoveNext(CancellationToken.None);
        });
        Assert.Equal(StatusCode.NotFound, other.StatusCode);
    }

    [Fact]
    public async Task Video_with_gateway_sends_each_regions_static_mask_as_a_mask_part()
    {
        var clip = await TestClips.PanAsync(_folder, 96, 64);
        var left = Path.Combine(_folder, "left.png");
        await TestClips.RunAsync("ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", "color=black:s=48x32",
            "-vf", "drawbox=x=0:y=0:w=24:h=32:color=white:t=fill", "-frames:v", "1", left);
        var output = Path.Combine(_folder, "regions.mp4");

        var exit = await CliApp.Build().Parse(
            ["video", clip, "--gateway", server.Host.Address.ToString(), "--api-key", GatewayServer.ApiKey, "--model", GatewayFixtures.Multi,
             "--region", $"{left}:style0", "--region", $"!{left}:style1", "--duration", "0.5", "-o", output]).InvokeAsync();

        Assert.Equal(0, exit);
        Assert.Equal((6L, 96, 64), (await TestClips.ProbeAsync(output)) is var result ? (result.Frames, result.Width, result.Height) : default);
    }

    [Fact]
    public async Task Masks_travel_inline_in_the_header_too()
    {
        var clip = await TestClips.PanAsync(_folder, 96, 64);
        var left = Path.Combine(_folder, "left.png");
        await TestClips.RunAsync("ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", "color=black:s=48x32",
            "-vf", "drawbox=x=0:y=0:w=24:h=32:color=white:t=fill", "-frames:v", "1", left);
        var header = Header();
        header.DurationSeconds = 0.5;
        header.Regions[0].MaskImage = ByteString.CopyFrom(await File.ReadAllBytesAsync(left));
        var rest = new Region { InvertMask = true, MaskImage = header.Regions[0].MaskImage };
        rest.Styles.Add(new StyleWeight { Name = "style1" });
        header.Regions.Add(rest);
        var output = Path.Combine(_folder, "inline.mp4");

        var events = await RenderAsync(header, clip, output);

        Assert.Equal(6, events[^1].Summary.Job.FramesDone);
        Assert.Equal(6L, (await TestClips.ProbeAsync(output)).Frames);
    }

    [Fact]
    public async Task A_region_without_a_mask_among_several_is_refused_before_the_upload_and_a_mask_never_sent_after_it()
    {
        var unmasked = Header();
        unmasked.Regions[0].MaskImage = ByteString.CopyFrom(await File.ReadAllBytesAsync(SampleImages.Content("garden")));
        var second = new Region();
        second.Styles.Add(new StyleWeight { Name = "style1" });
        unmasked.Regions.Add(second);
        await AssertRefusedAsync(unmasked, "regions[1].mask_image");

        var byName = Header();
        byName.Regions[0].Mask = "fg";
        var clip = await TestClips.PanAsync(_folder, 96, 64);
        var failure = await Assert.ThrowsAsync<RpcException>(() => RenderAsync(byName, clip, Path.Combine(_folder, "out.mp4")));
        Assert.Equal(StatusCode.InvalidArgument, failure.StatusCode);
        Assert.Equal("regions[0].mask", Assert.Single(failure.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations).Field);
        Assert.Contains("send it as MASK chunks named 'fg'", failure.Status.Detail, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(WorkDirectory));
    }

    [Fact]
    public async Task ListClips_describes_the_library_clips_that_ffprobe_reads_and_leaves_out_the_rest()
    {
        var library = Directory.CreateDirectory(Path.Combine(server.VideoDirectory, "clips")).FullName;
        var name = $"pan-{Guid.NewGuid():N}";
        var junk = $"junk-{Guid.NewGuid():N}";
        File.Copy(await TestClips.PanAsync(_folder, 96, 64), Path.Combine(library, name + ".mp4"));
        await File.WriteAllTextAsync(Path.Combine(library, junk + ".mp4"), "not a video\n");
        try
        {
            var clips = (await server.Video.ListClipsAsync(new ListClipsRequest(), GatewayServer.Key)).Clips;

            var clip = Assert.Single(clips, c => c.Name == name);
            Assert.Equal((96, 64, "12/1", 24L, "h264", true), (clip.Width, clip.Height, clip.FrameRate, clip.Frames, clip.Codec, clip.HasAudio));
            Assert.Equal(2.0, clip.Duration.ToTimeSpan().TotalSeconds, 0.1);
            Assert.Equal(new FileInfo(Path.Combine(library, name + ".mp4")).Length, clip.FileBytes);
            Assert.DoesNotContain(clips, c => c.Name == junk);
        }
        finally
        {
            File.Delete(Path.Combine(library, name + ".mp4"));
            File.Delete(Path.Combine(library, junk + ".mp4"));
        }
    }

    [Fact]
    public async Task Video_with_gateway_optimises_every_frame_towards_an_uploaded_painting()
    {
        var clip = await TestClips.PanAsync(_folder, 48, 32);
        var output = Path.Combine(_folder, "optimised.mp4");

        var exit = await CliApp.Build().Parse(
            ["video", clip, "--gateway", server.Host.Address.ToString(), "--api-key", GatewayServer.ApiKey, "--method", "optimize",
             "--style", SampleImages.Style("starry_night"), "--iterations", "4", "--duration", "0.5", "-o", output]).InvokeAsync();

        Assert.Equal(0, exit);
        var result = await TestClips.ProbeAsync(output);
        Assert.Equal((6L, 48, 32, "aac"), (result.Frames, result.Width, result.Height, result.AudioCodec));
        var content = await TestClips.FirstFrameAsync(clip, _folder, "content");
        var painted = await TestClips.FirstFrameAsync(output, _folder, "painted");
        var psnr = StylisationQuality.Psnr(content, painted);
        Assert.True(psnr < 25, $"the first frame is {psnr:F1} dB from the content: not optimised towards the painting");
        Assert.Empty(Directory.EnumerateFileSystemEntries(WorkDirectory));
    }

    [Theory]
    [InlineData("optimize-with-model", "model")]
    [InlineData("optimize-blend", "temporal")]
    [InlineData("optimize-two-regions", "regions")]
    [InlineData("optimize-zero-weight", "temporal_weight")]
    [InlineData("optimize-iterations", "iterations")]
    [InlineData("model-ruder", "temporal")]
    [InlineData("model-iterations", "iterations")]
    public async Task Options_of_the_other_method_are_refused_before_the_upload(string kind, string field)
    {
        var header = Header();
        if (kind.StartsWith("optimize", StringComparison.Ordinal))
        {
            header.Method = RenderMethod.Optimize;
            header.Model = kind == "optimize-with-model" ? GatewayFixtures.Multi : "";
        }

        switch (kind)
        {
            case "optimize-blend":
                header.Temporal = VideoTemporal.Blend;
                break;
            case "optimize-two-regions":
                header.Regions.Add(header.Regions[0].Clone());
                break;
            case "optimize-zero-weight":
                header.TemporalWeight = 0;
                break;
            case "optimize-iterations":
                header.Iterations = VideoPlanner.MaxIterations + 1;
                break;
            case "model-ruder":
                header.Temporal = VideoTemporal.Ruder;
                break;
            case "model-iterations":
                header.Iterations = 50;
                break;
        }

        await AssertRefusedAsync(header, field);
    }

    [Theory]
    [InlineData("text", "is not a video")]
    [InlineData("still", "still image")]
    [InlineData("audio", "no video track")]
    [InlineData("truncated", "is not a video")]
    [InlineData("long", "the limit is 00:10:00")]
    public async Task A_bad_clip_is_refused_before_rendering_with_invalid_argument_and_leaves_nothing(string kind, string message)
    {
        var clip = Path.Combine(_folder, kind + ".mp4");
        switch (kind)
        {
            case "text":
                await File.WriteAllTextAsync(clip, "not a video, just some words\n");
                break;
            case "still":
                File.Copy(SampleImages.Content("garden"), clip);
                break;
            case "audio":
                await TestClips.RunAsync("ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=8000", "-t", "1", "-c:a", "aac", clip);
                break;
            case "truncated":
                var whole = await TestClips.PanAsync(_folder, 96, 64);
                var bytes = await File.ReadAllBytesAsync(whole);
                await File.WriteAllBytesAsync(clip, bytes[..(bytes.Length / 2)]); // the index (moov) is at the end of an MP4
                break;
            default:
                // 601 one-frame seconds of a 16×16 black picture: over the ten-minute limit.
                await TestClips.RunAsync("ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i", "color=c=black:s=16x16:r=1", "-t", "601", "-c:v", "libx264", "-pix_fmt", "yuv420p", clip);
                break;
        }

        var failure = await Assert.ThrowsAsync<RpcException>(() => RenderAsync(Header(), clip, Path.Combine(_folder, "out.mp4")));

        Assert.Equal(StatusCode.InvalidArgument, failure.StatusCode);
        var status = failure.GetRpcStatus()!;
        Assert.Equal("VIDEO_REJECTED", status.GetDetail<ErrorInfo>().Reason);
        Assert.Equal("clip", Assert.Single(status.GetDetail<BadRequest>().FieldViolations).Field);
        Assert.Contains(message, status.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(WorkDirectory, status.Message, StringComparison.Ordinal); // no server paths
        Assert.Empty(Directory.EnumerateFileSystemEntries(WorkDirectory));
        Assert.False(File.Exists(Path.Combine(_folder, "out.mp4")));
    }

    private static VideoHeader Header()
    {
        var region = new Region();
        region.Styles.Add(new StyleWeight { Name = "style0" });
        var header = new VideoHeader { Model = GatewayFixtures.Multi };
        header.Regions.Add(region);
        return header;
    }

    /// <summary>The header alone is refused with INVALID_ARGUMENT naming one field, and nothing is left in the work folder.</summary>
    private async Task AssertRefusedAsync(VideoHeader header, string field)
    {
        using var call = server.Video.Render(GatewayServer.Key);
        await call.RequestStream.WriteAsync(new VideoRequest { Header = header });
        var failure = await Assert.ThrowsAsync<RpcException>(async () => await call.ResponseStream.MoveNext());

        Assert.Equal(StatusCode.InvalidArgument, failure.StatusCode);
        Assert.Equal(field, Assert.Single(failure.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations).Field);
        Assert.Empty(Directory.EnumerateFileSystemEntries(WorkDirectory));
    }

    private async Task<List<VideoEvent>> RenderAsync(VideoHeader header, string clip, string output)
    {
        using var call = server.Video.Render(GatewayServer.Key);
        await SendAsync(call.RequestStream, header, clip);
        return await CollectAsync(call.ResponseStream, output);
    }

    /// <summary>The header, then the clip in 64 KiB chunks (many chunks even for a small clip).</summary>
    private static async Task SendAsync(IClientStreamWriter<VideoRequest> requests, VideoHeader header, string clip)
    {
        await requests.WriteAsync(new VideoRequest { Header = header });
        var bytes = await File.ReadAllBytesAsync(clip);
        for (var offset = 0; offset < bytes.Length; offset += 64 << 10)
        {
            await requests.WriteAsync(new VideoRequest { Chunk = new VideoChunk { Data = ByteString.CopyFrom(bytes, offset, Math.Min(64 << 10, bytes.Length - offset)) } });
        }

        await requests.CompleteAsync();
    }

    private static async Task<List<VideoEvent>> CollectAsync(IAsyncStreamReader<VideoEvent> events, string output)
    {
        var received = new List<VideoEvent>();
        using var result = new MemoryStream();
        await foreach (var item in events.ReadAllAsync())
        {
            received.Add(item);
            if (item.EventCase == VideoEvent.EventOneofCase.Result)
            {
                Assert.Equal(result.Length, item.Result.Offset);
                item.Result.Data.WriteTo(result);
            }
        }

        Assert.Equal(VideoEvent.EventOneofCase.Summary, received[^1].EventCase);
        await File.WriteAllBytesAsync(output, result.ToArray());
        return received;
    }
}
