using System.CommandLine;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansStyle.Gateway.Hosting;
using OrleansStyle.Gateway.Telemetry;
using OrleansStyle.Gateway.Options;
using Spectre.Console;

namespace OrleansStyle.Cli.Commands;

/// <summary>
/// <c>serve</c>: the gRPC gateway. By default with a silo in the same process on localhost (the embedded farm);
/// with <c>--cluster</c> it is only a client of a real cluster's silos.
/// </summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port", "-p") { Description = "Port to listen on (0 picks a free one).", DefaultValueFactory = _ => 5080 };
        var listen = new Option<string>("--listen") { Description = "Address to listen on; anything but loopback requires API keys.", DefaultValueFactory = _ => "127.0.0.1" };
        var models = new Option<string>("--models") { Description = "Folder of NAME.safetensors model files.", DefaultValueFactory = _ => "models" };
        var styles = new Option<string>("--styles") { Description = "Folder of the style library (Styles API): PNG, JPEG and WebP files named by style.", DefaultValueFactory = _ => "styles" };
        var trainingData = new Option<string?>("--training-data") { Description = "Embedded silo: folder of photos that training jobs (Training API) train on; unset: no training." };
        var devices = new Option<string[]>("--device") { Description = "Embedded silo: devices to serve (cpu, cuda:N); default: every CUDA device, else the CPU." };
        var cluster = new Option<string[]>("--cluster")
        {
            Description = "Join a real cluster as a client: its silos' gateway endpoints, e.g. --cluster 10.0.0.5:30000 --cluster 10.0.0.6:30000.",
            AllowMultipleArgumentsPerToken = true,
        };
        var redis = new Option<string?>("--redis") { Description = "Join a real cluster as a client through its Redis membership table (as orleans-style-silo uses), e.g. --redis redis:6379." };
        var clusterId = new Option<string>("--cluster-id") { Description = "Orleans ClusterId of the cluster.", DefaultValueFactory = _ => "default" };
        var serviceId = new Option<string>("--service-id") { Description = "Orleans ServiceId of the cluster.", DefaultValueFactory = _ => "default" };
        var apiKeys = new Option<string[]>("--api-key") { Description = "Accept this key: NAME=KEY (16+ characters). Any key turns authentication on; keys also come from OrleansStyle__Gateway__ApiKeys__NAME." };
        var certificate = new Option<string?>("--certificate") { Description = "PFX certificate: serve TLS." };
        var certificatePassword = new Option<string?>("--certificate-password") { Description = "Password of the --certificate file (or ORLEANSSTYLE_CERTIFICATE_PASSWORD)." };
        var grpcWeb = new Option<bool>("--grpc-web") { Description = "Serve gRPC-Web for browsers (on by default since the studio needs it; OrleansStyle__Gateway__EnableGrpcWeb=false turns it off)." };
        var shutdownGrace = new Option<int?>("--shutdown-grace")
        {
            Description = "Seconds running calls get to finish on SIGTERM or Ctrl+C while new ones are refused (default 30, or OrleansStyle__Gateway__ShutdownGrace); then they end with UNAVAILABLE.",
        };
        var metricsPort = new Option<int?>("--metrics-port")
        {
            Description = "HTTP/1.1 port for /metrics (Prometheus) and /dashboard (Orleans Dashboard, API keys as the Basic password); 0 picks a free one (the default), -1 turns it off.",
        };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Log requests and jobs, not only warnings." };

        var command = new Command("serve", """
            Run the gRPC gateway (orleansstyle.v1: Render, Jobs, Models, Styles, Training, health, reflection). Examples:
              orleans-style serve --models models/
              orleans-style serve --cluster 10.0.0.5:30000 --api-key ci=$(openssl rand -hex 24) --listen 0.0.0.0
              orleans-style serve --redis redis:6379 --listen 0.0.0.0 --models /models
            """)
        {
            port, listen, models, styles, trainingData, devices, cluster, redis, clusterId, serviceId, apiKeys, certificate, certificatePassword, grpcWeb, shutdownGrace, metricsPort, verbose,
        };

        command.SetAction((parse, cancellationToken) => CliErrors.Guard(async () =>
        {
            if (!IPAddress.TryParse(parse.GetValue(listen), out var address))
            {
                throw new ArgumentException($"--listen '{parse.GetValue(listen)}' is not an IP address: use 127.0.0.1, ::1 or 0.0.0.0.");
            }

            var grace = parse.GetValue(shutdownGrace);
            if (grace is { } seconds && (seconds < 0 || TimeSpan.FromSeconds(seconds) > GatewayOptions.MaxShutdownGrace))
            {
                throw new ArgumentException(
                    $"--shutdown-grace {seconds} is not a grace period: use 0 to {GatewayOptions.MaxShutdownGrace.TotalSeconds:0} seconds, e.g. --shutdown-grace 30 (the default).");
            }

            var keys = (parse.GetValue(apiKeys) ?? []).Select(ParseKey).ToDictionary(k => k.Name, k => k.Key, StringComparer.Ordinal);
            var modelFolder = Path.GetFullPath(parse.GetValue(models)!);
            var deviceList = parse.GetValue(devices) ?? [];
            var options = new GatewayHostOptions
            {
                ListenAddress = address,
                Port = parse.GetValue(port),
                ClusterGateways = [.. (parse.GetValue(cluster) ?? []).SelectMany(c => c.Split(',', StringSplitOptions.RemoveEmptyEntries)).Select(ParseEndpoint)],
                RedisMembership = parse.GetValue(redis),
                ClusterId = parse.GetValue(clusterId)!,
                ServiceId = parse.GetValue(serviceId)!,
                CertificatePath = parse.GetValue(certificate),
                CertificatePassword = parse.GetValue(certificatePassword) ?? Environment.GetEnvironmentVariable("ORLEANSSTYLE_CERTIFICATE_PASSWORD"),
                Models = m => m.Directory = modelFolder,
                Training = parse.GetValue(trainingData) is { } photos ? t => t.ContentDirectory = Path.GetFullPath(photos) : null,
                Devices = deviceList.Length > 0 ? d => d.Devices = [.. deviceList] : null,
                Gateway = gateway =>
                {
                    foreach (var (name, key) in keys)
                    {
                        gateway.ApiKeys[name] = key;
                    }

                    if (keys.Count > 0)
                    {
                        gateway.RequireApiKey = true;
                    }

                    gateway.EnableGrpcWeb |= parse.GetValue(grpcWeb);
                    if (grace is { } graceSeconds)
                    {
                        gateway.ShutdownGrace = TimeSpan.FromSeconds(graceSeconds);
                    }

                    gateway.StyleDirectory = Path.GetFullPath(parse.GetValue(styles)!);
                },
                Telemetry = parse.GetValue(metricsPort) is { } telemetryPort ? t => t.Port = telemetryPort : null,
                LogLevel = parse.GetValue(verbose) ? LogLevel.Information : LogLevel.Warning,
            };

            await using var host = await GatewayHost.StartAsync(options, cancellationToken);
            using var signals = new ShutdownSignals(host);
            AnsiConsole.MarkupLine(
                $"Gateway on [green]{Markup.Escape(host.Address.ToString())}[/] ({(options.IsEmbedded ? "embedded silo" : options.RedisMembership is not null ? "client of the cluster in Redis" : $"client of {options.ClusterGateways.Count} silo gateway(s)")}, models in {Markup.Escape(modelFolder)}). SIGTERM or Ctrl+C stops it.");
            if (host.Services.GetRequiredService<TelemetryEndpoint>().Address is { } telemetry)
            {
                AnsiConsole.MarkupLine($"Metrics on [green]{Markup.Escape(new Uri(telemetry, "/metrics").ToString())}[/], dashboard on [green]{Markup.Escape(new Uri(telemetry, "/dashboard/").ToString())}[/].");
            }

            // Returns once the drain, Kestrel and the silo or cluster client have stopped.
            await host.WaitForShutdownAsync(cancellationToken);
            AnsiConsole.MarkupLine("Stopped.");
            return 0;
        }));

        return command;
    }

    private static (string Name, string Key) ParseKey(string spec)
    {
        var separator = spec.IndexOf('=', StringComparison.Ordinal);
        return separator > 0 && separator < spec.Length - 1
            ? (spec[..separator], spec[(separator + 1)..])
            : throw new ArgumentException($"--api-key '{spec[..Math.Min(spec.Length, 4)]}…' must look like NAME=KEY, e.g. --api-key ci=0123456789abcdef0123.");
    }

    private static IPEndPoint ParseEndpoint(string text)
    {
        if (IPEndPoint.TryParse(text, out var endpoint) && endpoint.Port > 0)
        {
            return endpoint;
        }

        var separator = text.LastIndexOf(':');
        if (separator > 0 && int.TryParse(text[(separator + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536)
        {
            var addresses = Dns.GetHostAddresses(text[..separator]);
            if (addresses.Length > 0)
            {
                return new IPEndPoint(addresses[0], port);
            }
        }

        throw new ArgumentException($"--cluster '{text}' is not a silo gateway endpoint: use HOST:PORT, e.g. 10.0.0.5:30000.");
    }
}
