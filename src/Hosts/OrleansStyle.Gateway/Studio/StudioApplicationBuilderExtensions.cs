using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using OrleansStyle.Gateway.Options;

namespace OrleansStyle.Gateway.Studio;

public static class StudioApplicationBuilderExtensions
{
    /// <summary>
    /// Everything the page may load comes from this origin: its script, style sheet and sample photos, and the
    /// gRPC-Web calls. Images drawn from uploads and results are blob: URLs the page makes itself.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /// <summary>
    /// Serves the browser studio (<c>wwwroot</c>, embedded in this assembly so it needs no content root) at <c>/</c>
    /// with a strict Content-Security-Policy, unless <see cref="GatewayOptions.EnableStudio"/> is off. Its calls are
    /// gRPC-Web (<see cref="GatewayOptions.EnableGrpcWeb"/>).
    /// </summary>
    public static IApplicationBuilder UseStudio(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (!app.ApplicationServices.GetRequiredService<IOptions<GatewayOptions>>().Value.EnableStudio)
        {
            return app;
        }

        var files = new ManifestEmbeddedFileProvider(typeof(StudioApplicationBuilderExtensions).Assembly, "wwwroot");
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            OnPrepareResponse = context =>
            {
                var headers = context.Context.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                headers.CacheControl = "no-cache"; // revalidated by ETag: a new gateway build is picked up at once
            },
        });
        return app;
    }
}
