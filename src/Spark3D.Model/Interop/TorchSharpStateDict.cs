using TorchSharp;
using static TorchSharp.torch;

namespace Spark3D.Model.Interop;

/// <summary>
/// TorchSharp's own `module.save` format (count, then name + tensor per entry) read without a module, so a
/// checkpoint's model state can feed <see cref="Training.WeightTransfer"/> directly.
/// </summary>
public static class TorchSharpStateDict
{
    /// <summary>Serialises a module's state dict (parameters + buffers) into bytes (`module.save`).</summary>
    public static byte[] Save(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        using var ms = new MemoryStream();
        using (var writer = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true)) module.save(writer);
        return ms.ToArray();
    }

    /// <summary>Loads bytes from <see cref="Save"/> into a module of the same architecture (strict).</summary>
    /// <exception cref="StateDictFormatException">The bytes are not a well-formed model state (checked before any allocation).</exception>
    public static void Load(nn.Module module, byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(module);
        Validate(bytes);
        using var reader = new BinaryReader(new MemoryStream(bytes, writable: false));
        module.load(reader, strict: true);
    }

    /// <summary>Reads bytes from <see cref="Save"/> into name → tensor (CPU). The caller owns the tensors.</summary>
    /// <exception cref="StateDictFormatException">The bytes are not a well-formed model state (checked before any allocation).</exception>
    public static Dictionary<string, Tensor> Read(byte[] bytes)
    {
        Validate(bytes);
        using var reader = new BinaryReader(new MemoryStream(bytes, writable: false));
        var count = DecodeLeb128(reader);
        var result = new Dictionary<string, Tensor>((int)count);
        for (long i = 0; i < count; i++)
        {
            var name = reader.ReadString();
            result[name] = TensorExtensionMethods.Load(reader, skip: false);
        }
        return result;
    }

    private static void Validate(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        try
        {
            TorchSharpStateFormat.ValidateModelState(bytes);
        }
        catch (InvalidDataException e)
        {
            throw new StateDictFormatException("model state: " + e.Message, e);
        }
    }

    // TorchSharp writes the entry count as unsigned LEB128 (its codec class is internal).
    private static long DecodeLeb128(BinaryReader reader)
    {
        long result = 0;
        for (var i = 0; ; i++)
        {
            long b = reader.ReadByte();
            result += (b & 0x7f) << (i * 7);
            if ((b & 0x80) == 0) return result;
        }
    }
}
