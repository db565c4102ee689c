using System.Buffers.Binary;
using System.Text;
using static TorchSharp.torch;

namespace Spark3D.Model.Interop;

/// <summary>
/// Walks TorchSharp's own binary formats (<c>module.save</c>, <c>optimizer.save_state_dict</c>) over bytes already
/// in memory without allocating anything they declare: every count, string length and tensor byte size is checked
/// against the bytes that are left. A problem is an <see cref="InvalidDataException"/> saying what and where.
/// </summary>
internal ref struct TorchSharpFormatReader
{
    /// <summary>More dimensions than any tensor of ours has (a conv3d weight has 5).</summary>
    public const int MaxDimensions = 8;

    private readonly ReadOnlySpan<byte> _bytes;
    private int _position;

    public TorchSharpFormatReader(ReadOnlySpan<byte> bytes) => _bytes = bytes;

    /// <summary>Bytes not read yet.</summary>
    public readonly int Remaining => _bytes.Length - _position;

    /// <summary>TorchSharp's unsigned LEB128 (counts, dtypes, dimensions); at most 9 bytes (63 bits).</summary>
    public long Leb128(string what)
    {
        long value = 0;
        for (int i = 0; i < 9; i++)
        {
            byte b = Take(1, what)[0];
            value |= (long)(b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0) return value;
        }
        throw Problem($"{what}: LEB128 number longer than 9 bytes");
    }

    /// <summary>A count of items of at least <paramref name="minBytesEach"/> bytes each: it must fit in what is left.</summary>
    public long Count(string what, int minBytesEach)
    {
        long n = Leb128(what);
        if (n > Remaining / minBytesEach)
            throw Problem($"{what} {n} cannot fit in the {Remaining} bytes that are left");
        return n;
    }

    /// <summary>A .NET <c>BinaryWriter.Write(string)</c>: 7-bit encoded length, then UTF-8.</summary>
    public string String(string what)
    {
        int length = 0;
        for (int i = 0; ; i++)
        {
            if (i == 5) throw Problem($"{what}: string length prefix longer than 5 bytes");
            byte b = Take(1, what)[0];
            length |= (b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0) break;
        }
        if (length < 0) throw Problem($"{what}: negative string length");
        return Encoding.UTF8.GetString(Take(length, what));
    }

    public double Double(string what) => BinaryPrimitives.ReadDoubleLittleEndian(Take(8, what));

    public long Int64(string what) => BinaryPrimitives.ReadInt64LittleEndian(Take(8, what));

    public bool Boolean(string what) => Take(1, what)[0] switch
    {
        0 => false,
        1 => true,
        var b => throw Problem($"{what}: {b} is not a boolean"),
    };

    /// <summary>
    /// One tensor as <c>TensorExtensionMethods.Save</c> writes it (dtype, rank, dimensions, raw bytes): the dtype must
    /// be known, the rank at most <see cref="MaxDimensions"/>, and its byte size must fit in what is left; the bytes
    /// are skipped. Returns the shape.
    /// </summary>
    public long[] Tensor(string what)
    {
        long code = Leb128(what + " dtype");
        int elementSize = code <= int.MaxValue ? ElementSize((ScalarType)code) : 0;
        if (elementSize == 0) throw Problem($"{what}: unknown dtype {code}");
        long rank = Leb128(what + " rank");
        if (rank > MaxDimensions) throw Problem($"{what}: rank {rank} (at most {MaxDimensions})");
        var shape = new long[rank];
        for (int i = 0; i < rank; i++) shape[i] = Leb128(what + " dimension");
        // Multiplied one factor at a time against what is left, so neither the product nor the comparison overflows.
        long bytes = elementSize;
        foreach (long d in shape)
        {
            if (d != 0 && bytes > Remaining / d)
            {
                double declared = shape.Aggregate((double)elementSize, (a, b) => a * b);
                throw Problem(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"{what}: shape [{string.Join(", ", shape)}] of {elementSize}-byte elements needs {declared:N0} bytes, {Remaining} are left"));
            }
            bytes *= d;
        }
        Take(checked((int)bytes), what + " data");
        return shape;
    }

    /// <summary>Throws unless every byte was read.</summary>
    public readonly void End(string what)
    {
        if (Remaining != 0) throw Problem($"{Remaining} unexpected bytes after the {what}");
    }

    private ReadOnlySpan<byte> Take(int count, string what)
    {
        if (count > Remaining) throw Problem($"truncated {what}: needs {count} bytes at offset {_position}, {Remaining} left");
        var span = _bytes.Slice(_position, count);
        _position += count;
        return span;
    }

    private readonly InvalidDataException Problem(string message) => new($"{message} (offset {_position} of {_bytes.Length})");

    private static int ElementSize(ScalarType t) => t switch
    {
        ScalarType.Byte or ScalarType.Int8 or ScalarType.Bool => 1,
        ScalarType.Int16 or ScalarType.Float16 or ScalarType.BFloat16 => 2,
        ScalarType.Int32 or ScalarType.Float32 => 4,
        ScalarType.Int64 or ScalarType.Float64 or ScalarType.ComplexFloat32 => 8,
        ScalarType.ComplexFloat64 => 16,
        _ => 0,
    };
}
