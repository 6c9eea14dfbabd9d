using static TorchSharp.torch;

namespace OrleansStyle.Neural.Serialization;

/// <summary>Moves named tensors between modules and safetensors files, checking names, shapes and values.</summary>
public static class ModuleWeights
{
    /// <summary>The module's parameters and buffers (running statistics) as float32 CPU tensors.</summary>
    public static IEnumerable<SafeTensor> Export(nn.Module module)
    {
        foreach (var (name, value) in module.state_dict())
        {
            using var cpu = value.detach().to(float32).cpu().contiguous();
            yield return new SafeTensor(name, cpu.shape, cpu.data<float>().ToArray());
        }
    }

    /// <summary>
    /// Copies every state entry of the module from the file. Entries the module lacks are ignored only when
    /// <paramref name="ignorePrefixes"/> names them (e.g. a classifier head); anything else is an error.
    /// </summary>
    public static void Load(nn.Module module, SafeTensorsFile file, string source, params string[] ignorePrefixes)
    {
        var state = module.state_dict();
        var missing = state.Keys.Where(k => !file.Tensors.ContainsKey(k)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidDataException($"{source} lacks {missing.Count} tensor(s) the network needs, e.g. '{missing[0]}'.");
        }

        var unexpected = file.Tensors.Keys.Where(k => !state.ContainsKey(k) && !ignorePrefixes.Any(k.StartsWith)).ToList();
        if (unexpected.Count > 0)
        {
            throw new InvalidDataException($"{source} has tensor(s) this network does not use, e.g. '{unexpected[0]}'.");
        }

        using var noGrad = no_grad();
        foreach (var (name, target) in state)
        {
            var stored = file.Tensors[name];
            if (!stored.Shape.SequenceEqual(target.shape))
            {
                throw new InvalidDataException(
                    $"{source}: '{name}' has shape [{string.Join(',', stored.Shape)}], the network expects [{string.Join(',', target.shape)}].");
            }

            if (stored.Data.Any(v => !float.IsFinite(v)))
            {
                throw new InvalidDataException($"{source}: '{name}' contains NaN or infinite values.");
            }

            using var values = tensor(stored.Data, stored.Shape);
            target.copy_(values);
        }
    }
}
