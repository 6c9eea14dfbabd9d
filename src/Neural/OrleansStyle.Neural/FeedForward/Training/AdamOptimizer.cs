using System.Globalization;
using OrleansStyle.Neural.Serialization;
using OrleansStyle.Neural.Tensors;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OrleansStyle.Neural.FeedForward.Training;

/// <summary>
/// Adam (Kingma &amp; Ba 2015) with its state in named tensors, so a checkpoint can store it and a resumed run
/// takes bit-identical steps. Optional row masks keep leading rows of a parameter fixed (already trained styles'
/// γ/β when styles are added to a multi-style network): their gradient is zeroed, so m, v and the rows stay put.
/// </summary>
internal sealed class AdamOptimizer : IDisposable
{
    private const double Beta1 = 0.9;
    private const double Beta2 = 0.999;
    private const double Epsilon = 1e-8;

    private readonly List<Entry> _entries;

    public AdamOptimizer(IEnumerable<(string Name, Parameter Parameter, int FrozenRows)> parameters, double learningRate)
    {
        LearningRate = learningRate;
        _entries = [.. parameters.Select(p => new Entry(
            p.Name,
            p.Parameter,
            p.FrozenRows,
            zeros_like(p.Parameter).DetachFromDisposeScope(),
            zeros_like(p.Parameter).DetachFromDisposeScope()))];
    }

    public double LearningRate { get; }

    /// <summary>Steps taken (Adam's t).</summary>
    public long Steps { get; private set; }

    public IEnumerable<Parameter> Parameters => _entries.Select(e => e.Parameter);

    public void ZeroGrad()
    {
        foreach (var entry in _entries)
        {
            entry.Parameter.grad?.zero_();
        }
    }

    /// <summary>The name of the first parameter whose gradient holds NaN or ∞; null when all are finite.</summary>
    public string? FirstNonFiniteGradient()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var gradients = _entries.Where(e => e.Parameter.grad is not null).ToList();
        if (gradients.Count == 0)
        {
            return null;
        }

        // One reduction and one host sync for the common case: a NaN or ∞ anywhere makes the sum non-finite.
        var sum = stack(gradients.Select(e => e.Parameter.grad!.sum().to(float64))).sum().item<double>();
        return double.IsFinite(sum) ? null : gradients.First(e => !e.Parameter.grad!.isfinite().all().item<bool>()).Name;
    }

    public void Step()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Steps++;
        var correction1 = 1 - Math.Pow(Beta1, Steps);
        var correction2 = 1 - Math.Pow(Beta2, Steps);

        // Explicit scalars that live until the step ends: an implicit double→Scalar temporary can be finalised while
        // libtorch still reads it (seen as "Expected false to be true" from Scalar::toFloat inside add_).
        using var beta1 = Beta1.ToScalar();
        using var keep1 = (1 - Beta1).ToScalar();
        using var beta2 = Beta2.ToScalar();
        using var keep2 = (1 - Beta2).ToScalar();
        using var rootCorrection2 = Math.Sqrt(correction2).ToScalar();
        using var epsilon = Epsilon.ToScalar();
        using var stepSize = (-LearningRate / correction1).ToScalar();
        foreach (var entry in _entries)
        {
            if (entry.Parameter.grad is not { } gradient)
            {
                continue;
            }

            if (entry.FrozenRows > 0)
            {
                gradient[..entry.FrozenRows].zero_();
            }

            entry.Mean.mul_(beta1).add_(gradient, alpha: keep1);
            entry.Variance.mul_(beta2).addcmul_(gradient, gradient, value: keep2);
            var denominator = entry.Variance.sqrt().div_(rootCorrection2).PlusInPlace(epsilon);
            entry.Parameter.addcdiv_(entry.Mean, denominator, value: stepSize);
        }
    }

    /// <summary>State tensors as <c>optimizer.exp_avg.NAME</c> and <c>optimizer.exp_avg_sq.NAME</c>.</summary>
    public IEnumerable<SafeTensor> Export()
    {
        foreach (var entry in _entries)
        {
            yield return ToSafeTensor($"{StyleModelFile.OptimizerPrefix}exp_avg.{entry.Name}", entry.Mean);
            yield return ToSafeTensor($"{StyleModelFile.OptimizerPrefix}exp_avg_sq.{entry.Name}", entry.Variance);
        }
    }

    public Dictionary<string, string> Metadata() => new()
    {
        ["optimizer"] = "adam",
        ["optimizer_steps"] = Steps.ToString(CultureInfo.InvariantCulture),
        ["learning_rate"] = LearningRate.ToString("R", CultureInfo.InvariantCulture),
    };

    public void Load(SafeTensorsFile file, string source)
    {
        if (!file.Metadata.TryGetValue("optimizer_steps", out var stepsText)
            || !long.TryParse(stepsText, NumberStyles.None, CultureInfo.InvariantCulture, out var steps))
        {
            throw new InvalidDataException($"{source} has no optimizer step count: it is not a training checkpoint.");
        }

        using var noGrad = no_grad();
        foreach (var entry in _entries)
        {
            Copy(entry.Mean, $"{StyleModelFile.OptimizerPrefix}exp_avg.{entry.Name}");
            Copy(entry.Variance, $"{StyleModelFile.OptimizerPrefix}exp_avg_sq.{entry.Name}");
        }

        Steps = steps;

        void Copy(Tensor target, string name)
        {
            if (!file.Tensors.TryGetValue(name, out var stored) || !stored.Shape.SequenceEqual(target.shape))
            {
                throw new InvalidDataException($"{source}: optimizer state '{name}' is missing or has the wrong shape.");
            }

            if (stored.Data.Any(v => !float.IsFinite(v)))
            {
                throw new InvalidDataException($"{source}: optimizer state '{name}' contains NaN or infinite values.");
            }

            using var values = tensor(stored.Data, stored.Shape, device: target.device);
            target.copy_(values);
        }
    }

    public void Dispose()
    {
        foreach (var entry in _entries)
        {
            entry.Mean.Dispose();
            entry.Variance.Dispose();
        }
    }

    private static SafeTensor ToSafeTensor(string name, Tensor value)
    {
        using var scope = NewDisposeScope();
        var cpu = value.detach().cpu().contiguous();
        return new SafeTensor(name, cpu.shape, cpu.data<float>().ToArray());
    }

    private sealed record Entry(string Name, Parameter Parameter, int FrozenRows, Tensor Mean, Tensor Variance);
}
