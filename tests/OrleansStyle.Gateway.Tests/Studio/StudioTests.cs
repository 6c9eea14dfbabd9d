using System.Net;
using OrleansStyle.Gateway.Studio;
using OrleansStyle.Gateway.Tests.Chromium;
using OrleansStyle.Gateway.V1;

namespace OrleansStyle.Gateway.Tests.Studio;

/// <summary>The browser studio in a real headless Chromium against the real gateway, talking gRPC-Web over HTTP/1.1.</summary>
[Collection(GatewayCollection.Name)]
public sealed class StudioTests(GatewayServer gateway)
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task The_page_is_served_over_http11_with_a_strict_content_security_policy()
    {
        using var http = new HttpClient { BaseAddress = gateway.Host.Address, DefaultRequestVersion = HttpVersion.Version11 };
        using var page = await http.GetAsync(new Uri("/", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(HttpVersion.Version11, page.Version);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Equal(StudioApplicationBuilderExtensions.ContentSecurityPolicy, string.Join(' ', page.Headers.GetValues("Content-Security-Policy")));
        var html = await page.Content.ReadAsStringAsync();
        Assert.DoesNotContain("//", html.Replace("<!doctype", "", StringComparison.Ordinal), StringComparison.Ordinal); // no absolute or protocol-relative URLs
        using var script = await http.GetAsync(new Uri("/studio.js", UriKind.Relative));
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_render_submitted_in_the_browser_ends_with_the_result_on_the_canvas()
    {
        using var limit = new CancellationTokenSource(Limit);
        var token = limit.Token;
        await using var chromium = await HeadlessChromium.StartAsync(token);
        await using var page = await chromium.OpenPageAsync(token);
        await page.NavigateAsync(gateway.Host.Address, token);

        // Without a key the gateway refuses, and the page says so.
        await page.EvaluateAsync("studio.ready()", token);
        Assert.Contains("API key", (await page.EvaluateAsync("document.getElementById('message').textContent", token)).GetString(), StringComparison.Ordinal);

        // The key entry, then the catalog through gRPC-Web: the fixture's model with its two styles.
        await page.EvaluateAsync(
            $$"""(() => { const key = document.getElementById('api-key'); key.value = '{{GatewayServer.ApiKey}}'; key.dispatchEvent(new Event('change')); return studio.ready(); })()""",
            token);
        var models = await page.EvaluateAsync("[...document.querySelectorAll('#model option')].map(o => o.value)", token);
        Assert.Contains(GatewayFixtures.Multi, models.EnumerateArray().Select(m => m.GetString()));

        await page.EvaluateAsync(
            $$"""
            (async () => {
              const model = document.getElementById('model');
              model.value = '{{GatewayFixtures.Multi}}';
              model.dispatchEvent(new Event('change'));
              document.getElementById('max-side').value = '96';
              document.querySelector('#samples img[data-sample=garden]').click();
              await studio.photo();
              document.getElementById('render').click();
            })()
            """,
            token);
        var outcome = await page.EvaluateAsync(
            """
            (async () => {
              await studio.whenFinished();
              const result = studio.lastResult();
              const canvas = document.getElementById('canvas');
              const rgba = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
              const base64 = bytes => { let s = ''; for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000)); return btoa(s); };
              return {
                message: document.getElementById('message').textContent,
                progress: document.getElementById('progress-text').textContent,
                job: result?.jobId ?? null,
                result: result ? base64(result.bytes) : null,
                width: canvas.width,
                height: canvas.height,
                rgba: base64(rgba),
              };
            })()
            """,
            token);
        await File.WriteAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "studio-render.png"), await page.ScreenshotAsync(token), token);

        var job = outcome.GetProperty("job").GetString();
        Assert.True(job is not null, $"The page finished without a result: {outcome.GetProperty("message")} / {outcome.GetProperty("progress")}");
        Assert.StartsWith("Done", outcome.GetProperty("progress").GetString(), StringComparison.Ordinal);

        // The same job's result through the .NET client (HTTP/2 on the same port): the page received exactly its bytes…
        var attached = await RenderCalls.ReadAsync(gateway.Jobs.AttachJob(new AttachJobRequest { JobId = job }, GatewayServer.Key).ResponseStream, token);
        Assert.Equal(attached.Result, Convert.FromBase64String(outcome.GetProperty("result").GetString()!));

        // …and the canvas shows them pixel for pixel.
        var expected = GatewayFixtures.Decode(attached.Result);
        Assert.Equal((expected.Width, expected.Height), (outcome.GetProperty("width").GetInt32(), outcome.GetProperty("height").GetInt32()));
        Assert.Equal(96, Math.Max(expected.Width, expected.Height));
        var rgba = Convert.FromBase64String(outcome.GetProperty("rgba").GetString()!);
        var largest = 0;
        for (var i = 0; i < expected.Width * expected.Height; i++)
        {
            for (var c = 0; c < 3; c++)
            {
                largest = Math.Max(largest, Math.Abs(rgba[(i * 4) + c] - expected.Data[(i * 3) + c]));
            }
        }

        Assert.True(largest <= 1, $"The canvas differs from the result by up to {largest} levels.");

        // The job is the caller's: the jobs listing has it, finished.
        var listed = await gateway.Jobs.ListJobsAsync(new ListJobsRequest(), GatewayServer.Key);
        Assert.Contains(listed.Jobs, j => j.JobId == job && j.State == JobState.Completed);
        Assert.True(page.Problems.Count == 0, $"The page reported: {string.Join(" | ", page.Problems)}");
    }

    [Fact]
    public async Task A_painting_uploaded_in_the_library_tab_is_listed_with_its_thumbnail()
    {
        using var limit = new CancellationTokenSource(Limit);
        var token = limit.Token;
        var name = $"studio-{Guid.NewGuid():N}";
        var file = Path.Combine(Path.GetTempPath(), name + ".png");
        await File.WriteAllBytesAsync(file, GatewayFixtures.Encode(GatewayFixtures.Painting("the_scream", 200, 150)), token);
        try
        {
            await using var chromium = await HeadlessChromium.StartAsync(token);
            await using var page = await chromium.OpenPageAsync(token);
            await page.NavigateAsync(gateway.Host.Address, token);
            await page.EvaluateAsync(
                $$"""(() => { const key = document.getElementById('api-key'); key.value = '{{GatewayServer.ApiKey}}'; key.dispatchEvent(new Event('change')); document.querySelector('nav button[data-tab=library]').click(); return studio.ready(); })()""",
                token);

            // The file chooser, filled as a user's pick would fill it.
            var document = await page.SendAsync("DOM.getDocument", null, token);
            var input = await page.SendAsync("DOM.querySelector", new { nodeId = document.GetProperty("root").GetProperty("nodeId").GetInt32(), selector = "#style-file" }, token);
            await page.SendAsync("DOM.setFileInputFiles", new { files = new[] { file }, nodeId = input.GetProperty("nodeId").GetInt32() }, token);
            var thumbnail = await page.EvaluateAsync(
                $$"""
                (async () => {
                  document.getElementById('style-name').value = '{{name}}';
                  const styles = document.getElementById('library-styles');
                  const listed = new Promise(resolve => new MutationObserver(() => {
                    if (styles.querySelector('[data-style="{{name}}"]')) resolve();
                  }).observe(styles, { childList: true }));
                  document.querySelector('#style-upload button[type=submit]').click();
                  await listed;
                  await studio.thumbnails();
                  const image = styles.querySelector('[data-style="{{name}}"] img');
                  await image.decode();
                  return [image.naturalWidth, image.naturalHeight, document.getElementById('message').textContent];
                })()
                """,
                token);

            Assert.Equal(160, thumbnail[0].GetInt32());
            Assert.Equal(120, thumbnail[1].GetInt32());
            Assert.Contains(name, thumbnail[2].GetString(), StringComparison.Ordinal);
            var stored = await gateway.Styles.DescribeStyleAsync(new DescribeStyleRequest { Name = name }, GatewayServer.Key);
            Assert.Equal((200, 150), (stored.Width, stored.Height));
            Assert.True(page.Problems.Count == 0, $"The page reported: {string.Join(" | ", page.Problems)}");
        }
        finally
        {
            File.Delete(file);
            if (Directory.EnumerateFiles(gateway.StyleDirectory, name + ".*").Any())
            {
                await gateway.Styles.DeleteStyleAsync(new DeleteStyleRequest { Name = name }, GatewayServer.Key);
            }
        }
    }
}
