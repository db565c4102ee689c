using System.Collections;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Spark3D.Model.Interop;

/// <summary>
/// PyTorch `state_dict` files (`torch.save(model.state_dict(), f)`, zip format) in and out, keyed by the module's
/// state-dict names (`encoder.stages.0.blocks.0.conv1.conv.weight`, …) so weights move between PyTorch and us.
/// Built on TorchSharp.PyBridge.
/// </summary>
public static class StateDictFiles
{
    /// <summary>Writes the module's parameters and buffers as a file `torch.load` reads (an OrderedDict name → tensor).</summary>
    public static void Export(nn.Module module, string path)
    {
        ArgumentNullException.ThrowIfNull(module);
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        module.save_py(path);
    }

    /// <summary>Writes an arbitrary name → tensor dictionary (e.g. an encoder-only subset) as a PyTorch state dict.</summary>
    public static void Write(IDictionary<string, Tensor> stateDict, string path)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        var table = new Hashtable();
        foreach (var (k, v) in stateDict) table[k] = v;
        PyTorchPickler.PickleStateDict(path, table);
    }

    /// <summary>
    /// Loads a PyTorch state-dict file into the module. With <paramref name="strict"/> every name and shape must
    /// match both ways; otherwise matching entries are loaded and the rest reported.
    /// </summary>
    /// <returns>Source name → whether the module had that entry.</returns>
    /// <exception cref="StateDictFormatException">Unreadable file, a pickle naming anything but the tensor constructors
    /// (<see cref="TorchPickleInspector"/>), a tensor larger than its storage, or a strict mismatch; the message names the file.</exception>
    public static IReadOnlyDictionary<string, bool> Import(nn.Module module, string path, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(module);
        if (!File.Exists(path)) throw new StateDictFormatException($"{path}: state-dict file not found.");
        TorchPickleInspector.Inspect(path); // refuses unknown globals and tensors larger than their storage, before PyBridge
        var loaded = new Dictionary<string, bool>();
        try
        {
            module.load_py(path, strict, null, loaded);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or InvalidDataException or NotImplementedException or NotSupportedException
                                      or KeyNotFoundException or InvalidCastException or Razorvine.Pickle.PickleException)
        {
            throw new StateDictFormatException($"{path}: cannot load into {module.GetType().Name}: {e.Message}", e);
        }
        return loaded;
    }

    /// <summary>Reads a PyTorch state-dict file into name → tensor (CPU). The caller owns (disposes) the tensors.</summary>
    /// <exception cref="StateDictFormatException">Unreadable or not a name → tensor mapping.</exception>
    public static Dictionary<string, Tensor> Read(string path)
    {
        if (!File.Exists(path)) throw new StateDictFormatException($"{path}: state-dict file not found.");
        TorchPickleInspector.Inspect(path); // refuses unknown globals and tensors larger than their storage, before PyBridge
        Hashtable table;
        try
        {
            table = PyTorchUnpickler.UnpickleStateDict(path);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new StateDictFormatException($"{path}: not a readable PyTorch state dict (torch.save zip format): {e.Message}", e);
        }
        var result = new Dictionary<string, Tensor>(table.Count);
        foreach (DictionaryEntry entry in table)
        {
            if (entry.Key is not string name || entry.Value is not Tensor t)
                throw new StateDictFormatException($"{path}: entry '{entry.Key}' is not a name → tensor pair ({entry.Value?.GetType().Name ?? "null"}); save model.state_dict() itself.");
            result[name] = t;
        }
        return result;
    }
}
