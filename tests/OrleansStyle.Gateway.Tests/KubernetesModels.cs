using k8s;
using k8s.Models;

namespace OrleansStyle.Gateway.Tests;

/// <summary>
/// Models of the two kinds in k8s/ that KubernetesClient does not know, with exactly the fields their schemas
/// have that the manifests use, so the strict loader refuses misspelt or misplaced ones as it does for built-in kinds.
/// </summary>
internal static class KubernetesModels
{
    public static readonly Dictionary<string, Type> TypeMap = new(StringComparer.Ordinal)
    {
        ["keda.sh/v1alpha1/ScaledObject"] = typeof(ScaledObject),
        ["kustomize.config.k8s.io/v1beta1/Kustomization"] = typeof(Kustomization),
    };

    /// <summary>Every document of <paramref name="yaml"/>, loaded strictly (from the string: the stream and file overloads drop <c>strict</c>).</summary>
    public static List<object> LoadStrictly(string yaml) => KubernetesYaml.LoadAllFromString(yaml, TypeMap, strict: true);

    internal sealed class ScaledObject
    {
        public string ApiVersion { get; set; } = "";

        public string Kind { get; set; } = "";

        public V1ObjectMeta Metadata { get; set; } = new();

        public ScaledObjectSpec Spec { get; set; } = new();
    }

    internal sealed class ScaledObjectSpec
    {
        public ScaleTarget ScaleTargetRef { get; set; } = new();

        public int? PollingInterval { get; set; }

        public int? CooldownPeriod { get; set; }

        public int? IdleReplicaCount { get; set; }

        public int? MinReplicaCount { get; set; }

        public int? MaxReplicaCount { get; set; }

        public AdvancedConfig? Advanced { get; set; }

        public List<ScaleTrigger> Triggers { get; set; } = [];
    }

    internal sealed class ScaleTarget
    {
        public string? ApiVersion { get; set; }

        public string? Kind { get; set; }

        public string Name { get; set; } = "";
    }

    internal sealed class AdvancedConfig
    {
        public HpaConfig? HorizontalPodAutoscalerConfig { get; set; }
    }

    internal sealed class HpaConfig
    {
        public V2HorizontalPodAutoscalerBehavior? Behavior { get; set; }
    }

    internal sealed class ScaleTrigger
    {
        public string Type { get; set; } = "";

        public string? Name { get; set; }

        public string? MetricType { get; set; }

        public Dictionary<string, string> Metadata { get; set; } = [];
    }

    internal sealed class Kustomization
    {
        public string ApiVersion { get; set; } = "";

        public string Kind { get; set; } = "";

        public List<string> Resources { get; set; } = [];

        public List<ConfigMapGenerator> ConfigMapGenerator { get; set; } = [];
    }

    internal sealed class ConfigMapGenerator
    {
        public string Name { get; set; } = "";

        public string? Namespace { get; set; }

        public List<string> Files { get; set; } = [];

        public GeneratorOptions? Options { get; set; }
    }

    internal sealed class GeneratorOptions
    {
        public bool DisableNameSuffixHash { get; set; }

        public Dictionary<string, string> Labels { get; set; } = [];
    }
}
