using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Spark3D.Model.Training;

/// <summary>Selects, freezes and unfreezes parameters by their state-dict name.</summary>
public static class ParameterGroups
{
    /// <summary>Named parameters whose name satisfies <paramref name="predicate"/>, in module order.</summary>
    public static IReadOnlyList<(string Name, Parameter Parameter)> SelectNamed(nn.Module module, Func<string, bool> predicate) =>
        module.named_parameters().Where(np => predicate(np.name)).Select(np => (np.name, np.parameter)).ToList();

    /// <summary>Parameters whose name satisfies <paramref name="predicate"/>, in module order.</summary>
    public static IReadOnlyList<Parameter> Select(nn.Module module, Func<string, bool> predicate) =>
        SelectNamed(module, predicate).Select(x => x.Parameter).ToList();

    /// <summary>A <see cref="ParameterGroup"/> of the parameters matching <paramref name="predicate"/>.</summary>
    public static ParameterGroup Group(nn.Module module, string name, Func<string, bool> predicate, double lrScale = 1.0) =>
        new(name, Select(module, predicate), lrScale);

    /// <summary>Stops gradients for every parameter whose name starts with <paramref name="prefix"/>; returns how many.</summary>
    public static int Freeze(nn.Module module, string prefix) => SetRequiresGrad(module, n => n.StartsWith(prefix, StringComparison.Ordinal), false);

    /// <summary>Re-enables gradients for every parameter whose name starts with <paramref name="prefix"/>; returns how many.</summary>
    public static int Unfreeze(nn.Module module, string prefix) => SetRequiresGrad(module, n => n.StartsWith(prefix, StringComparison.Ordinal), true);

    /// <summary>Sets requires_grad on the parameters matching <paramref name="predicate"/>; returns how many.</summary>
    public static int SetRequiresGrad(nn.Module module, Func<string, bool> predicate, bool requiresGrad)
    {
        var n = 0;
        foreach (var (_, p) in SelectNamed(module, predicate))
        {
            p.requires_grad = requiresGrad;
            n++;
        }
        return n;
    }
}
