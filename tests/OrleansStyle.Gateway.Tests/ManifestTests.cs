using System.CommandLine;
using System.Reflection;
using System.Text.RegularExpressions;
using OrleansStyle.Cli;
using OrleansStyle.Farm.Devices;
using OrleansStyle.Farm.Hosting;
using OrleansStyle.Farm.Models;
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
        ["Models"] = typeof(ModelRegistryOptions),
        ["Training"] = typeof(FarmTrainingOptions),
        ["Gateway"] = typeof(GatewayOptions),
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

    [GeneratedRegex(@"(?<name>OrleansStyle__[A-Za-z]+__[A-Za-z]+(__[A-Za-z0-9_-]+)?)")]
    private static partial Regex SettingName();

    [GeneratedRegex(@"^\s*- (?<flag>--[a-z-]+)=", RegexOptions.Multiline)]
    private static partial Regex ServeArgument();

    [GeneratedRegex(@"^\s*- --shutdown-grace=(?<seconds>\d+)", RegexOptions.Multiline)]
    private static partial Regex ShutdownGraceArgument();

    [GeneratedRegex(@"^\s*terminationGracePeriodSeconds: (?<seconds>\d+)", RegexOptions.Multiline)]
    private static partial Regex TerminationGracePeriod();
}
