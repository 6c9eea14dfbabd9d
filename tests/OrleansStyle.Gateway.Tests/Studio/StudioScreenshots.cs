using OrleansStyle.Gateway.Hosting;
using OrleansStyle.Gateway.Tests.Chromium;
using OrleansStyle.Tests.Shared;

namespace OrleansStyle.Gateway.Tests.Studio;

/// <summary>
/// Writes docs/studio/*.jpg: the studio on a gateway with the bundled models and the sample paintings as its style
/// library. On demand: <c>ORLEANSSTYLE_STUDIO_SCREENSHOTS=1 dotnet test tests/OrleansStyle.Gateway.Tests -c Release --filter FullyQualifiedName~StudioScreenshots</c>.
/// </summary>
public sealed class StudioScreenshots
{
    [ScreenshotFact]
    [Trait("Category", "OnDemand")]
    public async Task Screenshots_for_the_docs()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var token = limit.Token;
        var styles = Directory.CreateTempSubdirectory("orleansstyle-studio-styles-").FullName;
        foreach (var painting in Directory.EnumerateFiles(Path.Combine(RepositoryRoot.Directory, "samples", "style"), "*.jpg"))
        {
            File.Copy(painting, Path.Combine(styles, Path.GetFileName(painting)));
        }

        var docs = Directory.CreateDirectory(Path.Combine(RepositoryRoot.Directory, "docs", "studio")).FullName;
        try
        {
            await using var host = await GatewayHost.StartAsync(new GatewayHostOptions
            {
                Devices = devices => devices.Devices = ["cpu"],
                Models = models => models.Directory = Path.Combine(RepositoryRoot.Directory, "models"),
                Jobs = jobs => jobs.TileSize = 192, // many tiles, so the picture visibly builds up
                Gateway = gateway =>
                {
                    gateway.StyleDirectory = styles;
                    gateway.RequireApiKey = false;
                },
            });
            await using var chromium = await HeadlessChromium.StartAsync(token);
            await using var page = await chromium.OpenPageAsync(token);
            await page.NavigateAsync(host.Address, token);
            await page.EvaluateAsync("studio.ready()", token);

            await page.EvaluateAsync(
                """
                (async () => {
                  const model = document.getElementById('model');
                  model.value = 'multi4';
                  model.dispatchEvent(new Event('change'));
                  for (const card of document.querySelectorAll('#styles .style')) {
                    const weight = { starry_night: '0.8', the_scream: '0.2' }[card.dataset.style];
                    card.querySelector('input[type=checkbox]').checked = !!weight;
                    card.querySelector('input[type=checkbox]').dispatchEvent(new Event('change'));
                    card.querySelector('input[type=range]').value = weight ?? '1';
                  }
                  document.getElementById('max-side').value = '1024';
                  document.querySelector('#samples img[data-sample=garden]').click();
                  await studio.photo();
                  const text = document.getElementById('progress-text');
                  const halfway = new Promise(resolve => new MutationObserver(() => {
                    const m = /^(\d+)\/(\d+) tiles/.exec(text.textContent);
                    if (m && 3 * Number(m[1]) >= Number(m[2])) resolve();
                  }).observe(text, { childList: true, characterData: true, subtree: true }));
                  document.getElementById('render').click();
                  await halfway;
                })()
                """,
                token);
            await File.WriteAllBytesAsync(Path.Combine(docs, "render-progress.jpg"), await page.ScreenshotAsync(token, jpegQuality: 80), token);
            await page.EvaluateAsync("studio.whenFinished()", token);
            await File.WriteAllBytesAsync(Path.Combine(docs, "render-done.jpg"), await page.ScreenshotAsync(token, jpegQuality: 80), token);

            await page.EvaluateAsync("document.querySelector('nav button[data-tab=library]').click(); studio.ready()", token);
            await page.EvaluateAsync("studio.thumbnails().then(() => Promise.all([...document.querySelectorAll('#library-styles img')].map(i => i.decode())))", token);
            await File.WriteAllBytesAsync(Path.Combine(docs, "library.jpg"), await page.ScreenshotAsync(token, jpegQuality: 80), token);

            await page.EvaluateAsync("document.querySelector('nav button[data-tab=jobs]').click()", token);
            await page.EvaluateAsync("new Promise(r => { const t = document.getElementById('jobs'); if (t.rows.length) r(); else new MutationObserver(r).observe(t, { childList: true }); })", token);
            await File.WriteAllBytesAsync(Path.Combine(docs, "jobs.jpg"), await page.ScreenshotAsync(token, jpegQuality: 80), token);
            Assert.True(page.Problems.Count == 0, $"The page reported: {string.Join(" | ", page.Problems)}");
        }
        finally
        {
            Directory.Delete(styles, recursive: true);
        }
    }
}
