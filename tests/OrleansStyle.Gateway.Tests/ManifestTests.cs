using System.CommandLine;
using System.Reflection;
using System.Text.RegularExpressions;
using OrleansStyle.Cli;
using OrleansStyle.Farm.Devices;
using OrleansStyle.Farm.Draining;
using OrleansStyle.Farm.Hosting;
using OrleansStyle.Farm.Models;
using OrleansStyle.Farm.Telemetry;
using OrleansStyle.Farm.Training;
using OrleansStyle.Gateway.Options;
using OrleansStyle.Gateway.Shutdown;

namespace OrleansStyle.Gateway.Tests;

/// <summary>
/// The Kubernetes manifests configure the hosts only through names: every <c>OrleansStyle__Section__Key</c> they set
/// must be a real option, and every argument they give <c>orleans-style serve</c> a real flag, or a rename breaks
/// deployments silently.
/// </summary>
public sealed partial class ManifestTests
{
    private static readonly Dictionary<string, Type> Sections = new(StringComparer.Ordinal)
    {
        ["Cluster"] = typeof(FarmClusterOptions),
        ["Devices"] = typeof(DeviceOptions),
        ["Drain"] = typeof(DrainOptions),
        ["Models"] = typeof(ModelRegistryOptions),
        ["Training"] = typeof(FarmTrainingOptions),
        ["Gateway"] = typeof(GatewayOptions),
        ["Telemetry"] = typeof(TelemetryOptions),
    };

    [Fact]
    public void Every_setting_the_manifests_give_is_an_option_of_the_hosts()
    {
        var names = Manifests().SelectMany(text => SettingName().Matches(text).Select(m => m.Groups["name"].Value)).Distinct().ToList();

        Assert.Contains("OrleansStyle__Cluster__Redis", names);
        Assert.All(names, name =>
        {
            var parts = name.Split("__");
            Assert.True(parts.Length >= 3 && Sections.ContainsKey(parts[1]), $"{name}: no options section {parts.ElementAtOrDefault(1)}");
            var property = Sections[parts[1]].GetProperty(parts[2], BindingFlags.Public | BindingFlags.Instance);
            Assert.True(property is { CanWrite: true }, $"{name}: {Sections[parts[1]].Name} has no settable {parts[2]}");
            Assert.True(parts.Length == 3 || typeof(System.Collections.IDictionary).IsAssignableFrom(property!.PropertyType), $"{name}: {parts[2]} takes no keys");
        });
    }

    [Fact]
    public void Every_argument_the_gateway_manifest_gives_serve_is_one_of_its_options()
    {
        var serve = CliApp.Build().Subcommands.Single(c => c.Name == "serve");
        var flags = serve.Options.SelectMany(o => o.Aliases.Append(o.Name)).ToHashSet(StringComparer.Ordinal);
        var gateway = File.ReadAllText(Path.Combine(K8sDirectory(), "gateway.yaml"));

        var given = ServeArgument().Matches(gateway).Select(m => m.Groups["flag"].Value).ToList();

        Assert.Contains("--redis", given);
        Assert.All(given, flag => Assert.Contains(flag, flags));
    }

    [Fact]
    public void Kubernetes_waits_for_the_gateway_to_drain_before_it_kills_the_pod()
    {
        var gateway = File.ReadAllText(Path.Combine(K8sDirectory(), "gateway.yaml"));
        var given = ShutdownGraceArgument().Match(gateway);
        var grace = given.Success ? TimeSpan.FromSeconds(int.Parse(given.Groups["seconds"].Value, System.Globalization.CultureInfo.InvariantCulture)) : new GatewayOptions().ShutdownGrace;

        var waits = TimeSpan.FromSeconds(int.Parse(TerminationGracePeriod().Match(gateway).Groups["seconds"].Value, System.Globalization.CultureInfo.InvariantCulture));

        Assert.True(waits > grace + GatewayDrain.StopAllowance, $"terminationGracePeriodSeconds {waits.TotalSeconds} leaves no time for a {grace.TotalSeconds} s drain and leaving the cluster");
    }

    [Fact]
    public void Kubernetes_waits_for_every_silo_to_drain_before_it_kills_the_pod()
    {
        var silos = Manifests().SelectMany(KubernetesModels.LoadStrictly).OfType<k8s.Models.V1Deployment>()
            .Where(d => d.Spec.Template.Spec.Containers.Any(c => c.Image.StartsWith("orleansstyle:", StringComparison.Ordinal) && c.Command is null))
            .ToList();

        Assert.Equal(["silo-coordinator", "silo-gpu"], silos.Select(d => d.Metadata.Name).Order());
        Assert.All(silos, deployment =>
        {
            var pod = deployment.Spec.Template.Spec;
            var container = Assert.Single(pod.Containers);
            var setting = container.Env.SingleOrDefault(e => e.Name == $"OrleansStyle__Drain__{nameof(DrainOptions.GracePeriod)}");
            var drain = new DrainOptions();
            if (setting is not null)
            {
                drain.GracePeriod = TimeSpan.Parse(setting.Value, System.Globalization.CultureInfo.InvariantCulture);
            }

            Assert.False(new DrainOptionsValidator().Validate(null, drain).Failed, $"{deployment.Metadata.Name}: {setting?.Value}");
            var preStop = PreStopSeconds(container);
            var waits = TimeSpan.FromSeconds(pod.TerminationGracePeriodSeconds ?? 30);
            Assert.True(
                waits > preStop + drain.ShutdownTimeout,
                $"{deployment.Metadata.Name}: terminationGracePeriodSeconds {waits.TotalSeconds} leaves no time for a {preStop.TotalSeconds} s preStop, a {drain.GracePeriod.TotalSeconds} s drain and leaving the cluster");
        });
    }

    [Fact]
    public void The_gateway_waits_out_its_endpoint_removal_and_still_drains_in_time()
    {
        var gateway = Manifests().SelectMany(KubernetesModels.LoadStrictly).OfType<k8s.Models.V1Deployment>().Single(d => d.Metadata.Name == "gateway");
        var pod = gateway.Spec.Template.Spec;

        var preStop = PreStopSeconds(Assert.Single(pod.Containers));

        Assert.True(preStop > TimeSpan.Zero, "the gateway has no preStop pause for the Service to drop its endpoint");
        Assert.True(TimeSpan.FromSeconds(pod.TerminationGracePeriodSeconds!.Value) > preStop + new GatewayOptions().ShutdownGrace + GatewayDrain.StopAllowance);
    }

    /// <summary>How long a container's preStop hook holds the pod before SIGTERM (only <c>sleep N</c> hooks are used here).</summary>
    private static TimeSpan PreStopSeconds(k8s.Models.V1Container container)
    {
        if (container.Lifecycle?.PreStop is not { } hook)
        {
            return TimeSpan.Zero;
        }

        var command = hook.Exec?.Command ?? throw new InvalidOperationException($"{container.Name}: only exec preStop hooks are expected.");
        Assert.Equal("sleep", command[0]);
        return TimeSpan.FromSeconds(int.Parse(Assert.Single(command.Skip(1)), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Every_manifest_loads_strictly_into_the_kubernetes_models()
    {
        var files = Directory.EnumerateFiles(K8sDirectory(), "*.yaml", SearchOption.AllDirectories).ToList();
        Assert.Contains(files, f => f.EndsWith("networkpolicy.yaml", StringComparison.Ordinal));
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            var loaded = KubernetesModels.LoadStrictly(text);
            Assert.True(loaded.Count == DocumentStart().Matches(text).Count + 1, $"{Path.GetFileName(file)}: {loaded.Count} objects for its documents");
            Assert.DoesNotContain(loaded, o => o is null);
        }

        // The loader is strict: a misspelt field is an error, not a silently dropped setting.
        var gateway = File.ReadAllText(Path.Combine(K8sDirectory(), "gateway.yaml"));
        var misspelt = gateway.Replace("  replicas: 2", "  replica: 2", StringComparison.Ordinal);
        Assert.NotEqual(gateway, misspelt);
        Assert.ThrowsAny<YamlDotNet.Core.YamlException>(() => KubernetesModels.LoadStrictly(misspelt));
    }

    [Fact]
    public async Task Kustomize_renders_every_resource_with_the_grafana_dashboard()
    {
        var rendered = await Kubectl("kustomize", K8sDirectory());

        var objects = KubernetesModels.LoadStrictly(rendered);
        Assert.Contains(objects, o => o is KubernetesModels.ScaledObject { Metadata.Name: "silo-gpu" });
        Assert.Equal(4, objects.OfType<k8s.Models.V1NetworkPolicy>().Count());
        var dashboard = Assert.Single(objects.OfType<k8s.Models.V1ConfigMap>(), c => c.Metadata.Name == "orleansstyle-grafana-dashboard");
        Assert.Equal("1", dashboard.Metadata.Labels["grafana_dashboard"]);
        using var json = System.Text.Json.JsonDocument.Parse(dashboard.Data["orleansstyle.json"]);
        Assert.NotEmpty(json.RootElement.GetProperty("panels").EnumerateArray());
    }

    [Fact]
    public void Prometheus_scrapes_the_port_the_hosts_serve_metrics_on()
    {
        var deployments = Manifests().SelectMany(KubernetesModels.LoadStrictly).OfType<k8s.Models.V1Deployment>()
            .Where(d => d.Metadata.Name is "gateway" or "silo-gpu" or "silo-coordinator").ToList();

        Assert.Equal(3, deployments.Count);
        Assert.All(deployments, deployment =>
        {
            var pod = deployment.Spec.Template;
            var container = Assert.Single(pod.Spec.Containers);
            var setting = Assert.Single(container.Env, e => e.Name == $"OrleansStyle__Telemetry__{nameof(TelemetryOptions.Port)}");
            var options = new TelemetryOptions { Port = int.Parse(setting.Value, System.Globalization.CultureInfo.InvariantCulture) };
            Assert.False(new TelemetryOptionsValidator().Validate(null, options).Failed);
            Assert.Equal(setting.Value, pod.Metadata.Annotations["prometheus.io/port"]);
            Assert.Contains(container.Ports, p => p.Name == "metrics" && p.ContainerPort == options.Port);
        });
    }

    /// <summary>The metric names a PromQL expression uses (the farm's, Orleans', ASP.NET Core's and the runtime's).</summary>
    internal static IEnumerable<string> MetricNames(string promql) => MetricName().Matches(promql).Select(m => m.Value);

    /// <summary>What the Grafana dashboard and the autoscalers query.</summary>
    internal static IReadOnlyList<string> MetricsTheManifestsUse()
    {
        var expressions = new List<string>();
        using (var dashboard = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(K8sDirectory(), "grafana", "orleansstyle.json"))))
        {
            CollectExpressions(dashboard.RootElement, expressions);
        }

        var scaledObject = KubernetesModels.LoadStrictly(File.ReadAllText(Path.Combine(K8sDirectory(), "autoscaling.yaml"))).OfType<KubernetesModels.ScaledObject>().Single();
        expressions.AddRange(scaledObject.Spec.Triggers.Select(t => t.Metadata["query"]));
        var hpa = KubernetesModels.LoadStrictly(File.ReadAllText(Path.Combine(K8sDirectory(), "alternatives", "hpa-prometheus-adapter.yaml")))
            .OfType<k8s.Models.V2HorizontalPodAutoscaler>().Single();
        expressions.AddRange(hpa.Spec.Metrics.Select(m => m.Pods.Metric.Name));
        return [.. expressions.SelectMany(MetricNames).Distinct(StringComparer.Ordinal)];
    }

    internal static string K8sPath(params string[] parts) => Path.Combine([K8sDirectory(), .. parts]);

    private static void CollectExpressions(System.Text.Json.JsonElement element, List<string> into)
    {
        if (element.ValueKind == System.Text.Json.JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (property.Name == "expr" && property.Value.ValueKind == System.Text.Json.JsonValueKind.String)
                {
                    into.Add(property.Value.GetString()!);
                }
                else
                {
                    CollectExpressions(property.Value, into);
                }
            }
        }
        else if (element.ValueKind == System.Text.Json.JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                CollectExpressions(item, into);
            }
        }
    }

    private static async Task<string> Kubectl(params string[] arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        System.Diagnostics.Process process;
        try
        {
            process = System.Diagnostics.Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception missing)
        {
            throw new InvalidOperationException("This test needs kubectl on PATH (apt-get install kubernetes-client; .ci/run does).", missing);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, $"kubectl {string.Join(' ', arguments)} failed ({process.ExitCode}): {await error}");
            return await output;
        }
    }

    private static IEnumerable<string> Manifests() => Directory.EnumerateFiles(K8sDirectory(), "*.yaml").Select(File.ReadAllText);

    private static string K8sDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "OrleansStyle.sln")))
            {
                return Path.Combine(directory.FullName, "k8s");
            }
        }

        throw new DirectoryNotFoundException("The repository root (OrleansStyle.sln) is not above the test binaries.");
    }

    [GeneratedRegex(@"^---\s*$", RegexOptions.Multiline)]
    private static partial Regex DocumentStart();

    [GeneratedRegex(@"\b(?:orleansstyle|orleans|http_server|kestrel|dotnet)_[a-z0-9_]+\b")]
    private static partial Regex MetricName();

    [GeneratedRegex(@"(?<name>OrleansStyle__[A-Za-z]+__[A-Za-z]+(__[A-Za-z0-9_-]+)?)")]
    private static partial Regex SettingName();

    [GeneratedRegex(@"^\s*- (?<flag>--[a-z-]+)=", RegexOptions.Multiline)]
    private static partial Regex ServeArgument();

    [GeneratedRegex(@"^\s*- --shutdown-grace=(?<seconds>\d+)", RegexOptions.Multiline)]
    private static partial Regex ShutdownGraceArgument();

    [GeneratedRegex(@"^\s*terminationGracePeriodSeconds: (?<seconds>\d+)", RegexOptions.Multiline)]
    private static partial Regex TerminationGracePeriod();
}
