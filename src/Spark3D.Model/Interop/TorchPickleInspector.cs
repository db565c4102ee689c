using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace Spark3D.Model.Interop;

/// <summary>
/// Reads a <c>torch.save</c> zip's <c>data.pkl</c> with a pickle machine of its own before TorchSharp.PyBridge
/// unpickles it, and refuses what a state dict never holds: any global other than <c>collections.OrderedDict</c>, the
/// tensor rebuild functions and the storage types (a pickle can name <c>os.system</c> or any class; Razorvine would
/// not run it, but nothing should be built from it either), instance-building opcodes (INST, OBJ, NEWOBJ_EX,
/// extension codes, out-of-band buffers), length prefixes longer than the data, and tensors whose shape, stride or
/// offset need more bytes than their storage holds in the zip (PyBridge allocates the declared shape before it reads).
/// Nothing the pickle declares is allocated here. Problems are <see cref="StateDictFormatException"/>s naming the file.
/// </summary>
internal static class TorchPickleInspector
{
    /// <summary>A state dict's pickle is a few hundred bytes per tensor; anything near this is not one.</summary>
    private const long MaxPickleBytes = 64L << 20;

    private static readonly Dictionary<string, int> StorageElementSize = new(StringComparer.Ordinal)
    {
        ["DoubleStorage"] = 8, ["FloatStorage"] = 4, ["HalfStorage"] = 2, ["BFloat16Storage"] = 2, ["LongStorage"] = 8,
        ["IntStorage"] = 4, ["ShortStorage"] = 2, ["CharStorage"] = 1, ["ByteStorage"] = 1, ["BoolStorage"] = 1,
        ["ComplexDoubleStorage"] = 16, ["ComplexFloatStorage"] = 8,
    };

    private static readonly HashSet<string> AllowedFunctions = new(StringComparer.Ordinal)
    {
        "collections.OrderedDict", "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor", "torch._utils._rebuild_parameter",
    };

    /// <summary>Checks the file; returns the number of tensors it declares.</summary>
    /// <exception cref="StateDictFormatException">Not a zip, no data.pkl, a refused global or opcode, or a tensor that does not fit its storage.</exception>
    public static int Inspect(string path)
    {
        ZipArchive zip;
        try
        {
            zip = ZipFile.OpenRead(path);
        }
        catch (InvalidDataException e)
        {
            throw new StateDictFormatException($"{path}: not a torch.save zip file ({e.Message}); save with torch.save(model.state_dict(), f).", e);
        }
        using (zip)
        {
            var pkl = zip.Entries.FirstOrDefault(e => e.FullName.EndsWith("data.pkl", StringComparison.Ordinal))
                      ?? throw new StateDictFormatException($"{path}: no data.pkl in the zip; not a torch.save file.");
            if (pkl.Length > MaxPickleBytes)
                throw new StateDictFormatException($"{path}: data.pkl declares {pkl.Length} bytes (a state dict's is far smaller).");
            var bytes = new byte[pkl.Length];
            using (var s = pkl.Open())
            {
                try
                {
                    s.ReadExactly(bytes);
                }
                catch (Exception e) when (e is EndOfStreamException or InvalidDataException)
                {
                    throw new StateDictFormatException($"{path}: data.pkl is damaged: {e.Message}", e);
                }
            }
            var storages = zip.Entries.Where(e => e.FullName.Contains("/data/", StringComparison.Ordinal))
                .GroupBy(e => e.FullName[(e.FullName.LastIndexOf('/') + 1)..], StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.First().Length, StringComparer.Ordinal);
            try
            {
                return new Machine(bytes, storages).Run();
            }
            catch (InvalidDataException e)
            {
                throw new StateDictFormatException($"{path}: refused: {e.Message}", e);
            }
        }
    }

    private sealed record Global(string Name);

    private sealed record Persistent(object?[] Tuple);

    private sealed record Call(string Function, object?[] Args);

    private sealed class Mark
    {
        public static readonly Mark Instance = new();
    }

    /// <summary>The pickle machine: data opcodes build values, calls are recorded (never run), the rest is refused.</summary>
    private sealed class Machine(byte[] code, Dictionary<string, long> storageBytes)
    {
        private readonly List<object?> _stack = [];
        private readonly Dictionary<long, object?> _memo = [];
        private int _pc;
        private int _tensors;

        public int Run()
        {
            while (true)
            {
                int at = _pc;
                byte op = Bytes(1)[0];
                switch (op)
                {
                    case 0x80: Bytes(1); break;                                  // PROTO
                    case 0x95: Bytes(8); break;                                  // FRAME
                    case (byte)'.': return _tensors;                             // STOP
                    case (byte)'(': Push(Mark.Instance); break;                  // MARK
                    case (byte)'0': Pop(); break;                                // POP
                    case (byte)'1': PopToMark(); break;                          // POP_MARK
                    case (byte)'2': Push(Peek()); break;                         // DUP
                    case (byte)'N': Push(null); break;                           // NONE
                    case 0x88: Push(true); break;                                // NEWTRUE
                    case 0x89: Push(false); break;                               // NEWFALSE
                    case (byte)'J': Push((long)BinaryPrimitives.ReadInt32LittleEndian(Bytes(4))); break;  // BININT
                    case (byte)'K': Push((long)Bytes(1)[0]); break;                                       // BININT1
                    case (byte)'M': Push((long)BinaryPrimitives.ReadUInt16LittleEndian(Bytes(2))); break; // BININT2
                    case 0x8a: Push(Long(Bytes(Bytes(1)[0]))); break;                                      // LONG1
                    case (byte)'I': Push(TextInt(Line())); break;                                         // INT
                    case (byte)'L': Push(TextInt(Line().TrimEnd('L'))); break;                            // LONG
                    case (byte)'G': Push(BinaryPrimitives.ReadDoubleBigEndian(Bytes(8))); break;          // BINFLOAT
                    case (byte)'F': Push(double.Parse(Line(), CultureInfo.InvariantCulture)); break;      // FLOAT
                    case (byte)'X': Push(Utf8(Bytes(Length(4)))); break;                                   // BINUNICODE
                    case 0x8c: Push(Utf8(Bytes(Bytes(1)[0]))); break;                                      // SHORT_BINUNICODE
                    case 0x8d: Push(Utf8(Bytes(Length(8)))); break;                                        // BINUNICODE8
                    case (byte)'T': Push(Encoding.Latin1.GetString(Bytes(Length(4)))); break;              // BINSTRING
                    case (byte)'U': Push(Encoding.Latin1.GetString(Bytes(Bytes(1)[0]))); break;            // SHORT_BINSTRING
                    case (byte)'B': Push(Bytes(Length(4)).ToArray()); break;                               // BINBYTES
                    case (byte)'C': Push(Bytes(Bytes(1)[0]).ToArray()); break;                             // SHORT_BINBYTES
                    case 0x8e: Push(Bytes(Length(8)).ToArray()); break;                                    // BINBYTES8
                    case (byte)')': Push(Array.Empty<object?>()); break;                                   // EMPTY_TUPLE
                    case (byte)'t': Push(PopToMark().ToArray()); break;                                    // TUPLE
                    case 0x85: Push(Take(1)); break;                                                       // TUPLE1
                    case 0x86: Push(Take(2)); break;                                                       // TUPLE2
                    case 0x87: Push(Take(3)); break;                                                       // TUPLE3
                    case (byte)']': Push(new List<object?>()); break;                                       // EMPTY_LIST
                    case (byte)'l': Push(PopToMark()); break;                                              // LIST
                    case (byte)'a': Append(1); break;                                                      // APPEND
                    case (byte)'e': Append(-1); break;                                                     // APPENDS
                    case (byte)'}': Push(new List<KeyValuePair<object?, object?>>()); break;               // EMPTY_DICT
                    case (byte)'d': Push(Pairs(PopToMark())); break;                                       // DICT
                    case (byte)'s': SetItems(Take(2)); break;                                              // SETITEM
                    case (byte)'u': SetItems(PopToMark().ToArray()); break;                                // SETITEMS
                    case 0x8f: Push(new List<object?>()); break;                                           // EMPTY_SET
                    case 0x90: { var items = PopToMark(); ((List<object?>)Peek()!).AddRange(items); break; } // ADDITEMS
                    case 0x91: Push(PopToMark()); break;                                                   // FROZENSET
                    case (byte)'p': _memo[TextInt(Line())] = Peek(); break;                                // PUT
                    case (byte)'q': _memo[Bytes(1)[0]] = Peek(); break;                                    // BINPUT
                    case (byte)'r': _memo[BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4))] = Peek(); break; // LONG_BINPUT
                    case 0x94: _memo[_memo.Count] = Peek(); break;                                         // MEMOIZE
                    case (byte)'g': Push(Memo(TextInt(Line()))); break;                                    // GET
                    case (byte)'h': Push(Memo(Bytes(1)[0])); break;                                        // BINGET
                    case (byte)'j': Push(Memo(BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4)))); break;  // LONG_BINGET
                    case (byte)'c': Push(Resolve(Line(), Line())); break;                                  // GLOBAL
                    case 0x93:                                                                             // STACK_GLOBAL
                    {
                        var names = Take(2);
                        if (names[0] is not string module || names[1] is not string name)
                            throw new InvalidDataException($"STACK_GLOBAL at byte {at} without two names");
                        Push(Resolve(module, name));
                        break;
                    }
                    case (byte)'Q': Push(new Persistent(Pop() as object?[] ?? throw new InvalidDataException($"persistent id at byte {at} is not a tuple"))); break; // BINPERSID
                    case (byte)'R': Reduce(at); break;                                                     // REDUCE
                    case 0x81: Reduce(at); break;                                                          // NEWOBJ (cls, args): the same check
                    case (byte)'b': Pop(); break;                                                          // BUILD: state set on an allowed object
                    default:
                        throw new InvalidDataException($"pickle opcode 0x{op:x2} at byte {at} is not allowed in a state dict (INST, OBJ, NEWOBJ_EX, extension codes and out-of-band buffers are refused)");
                }
            }
        }

        private static Global Resolve(string module, string name)
        {
            string full = module + "." + name;
            bool storage = module == "torch" && StorageElementSize.ContainsKey(name);
            return storage || AllowedFunctions.Contains(full)
                ? new Global(full)
                : throw new InvalidDataException($"unknown global '{full}': a state dict holds only collections.OrderedDict, torch tensors and their storages");
        }

        private void Reduce(int at)
        {
            var args = Pop() as object?[] ?? throw new InvalidDataException($"call at byte {at} without an argument tuple");
            var function = Pop() as Global ?? throw new InvalidDataException($"call at byte {at} of something that is not an allowed function");
            if (function.Name is "torch._utils._rebuild_tensor_v2" or "torch._utils._rebuild_tensor") CheckTensor(args, at);
            Push(new Call(function.Name, args));
        }

        /// <summary>_rebuild_tensor_v2(storage, storage_offset, size, stride, ...): the view must fit the storage in the zip.</summary>
        private void CheckTensor(object?[] args, int at)
        {
            if (args.Length < 4 || args[0] is not Persistent { Tuple: var pid } || args[1] is not long offset
                || args[2] is not object?[] size || args[3] is not object?[] stride || size.Length != stride.Length)
                throw new InvalidDataException($"tensor at byte {at}: malformed _rebuild_tensor arguments");
            if (pid.Length < 5 || pid[0] is not "storage" || pid[1] is not Global storage || pid[2] is not string key || pid[4] is not long numel
                || !storage.Name.StartsWith("torch.", StringComparison.Ordinal) || !StorageElementSize.TryGetValue(storage.Name[6..], out int elementSize))
                throw new InvalidDataException($"tensor at byte {at}: malformed storage id");
            if (!storageBytes.TryGetValue(key, out long have))
                throw new InvalidDataException($"tensor at byte {at}: storage '{key}' is not in the zip");
            if (numel < 0 || numel > have / elementSize)
                throw new InvalidDataException($"tensor at byte {at}: storage '{key}' declares {numel} elements of {elementSize} bytes, the zip holds {have} bytes");
            double elements = 1, extent = 0;
            for (int i = 0; i < size.Length; i++)
            {
                if (size[i] is not long n || stride[i] is not long st || n < 0 || st < 0)
                    throw new InvalidDataException($"tensor at byte {at}: size and stride must be non-negative integers");
                elements *= n;
                extent += n == 0 ? 0 : (double)(n - 1) * st;
            }
            // PyBridge allocates the whole declared shape, then views it with the stride: both must fit the storage.
            if (elements > numel || (elements > 0 && offset + extent + 1 > numel) || offset < 0)
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                    $"tensor at byte {at}: shape [{string.Join(", ", size)}] (stride [{string.Join(", ", stride)}], offset {offset}) needs {elements:N0} elements, storage '{key}' holds {numel:N0}"));
            _tensors++;
        }

        private ReadOnlySpan<byte> Bytes(int count)
        {
            if (count < 0 || count > code.Length - _pc)
                throw new InvalidDataException($"truncated pickle: {count} bytes wanted at byte {_pc}, {code.Length - _pc} left");
            var span = code.AsSpan(_pc, count);
            _pc += count;
            return span;
        }

        private int Length(int width)
        {
            long n = width == 4 ? BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4)) : BinaryPrimitives.ReadInt64LittleEndian(Bytes(8));
            return n >= 0 && n <= code.Length - _pc
                ? (int)n
                : throw new InvalidDataException($"length {n} at byte {_pc} is longer than the {code.Length - _pc} bytes left");
        }

        private string Line()
        {
            int end = Array.IndexOf(code, (byte)'\n', _pc);
            if (end < 0) throw new InvalidDataException($"unterminated text argument at byte {_pc}");
            string s = Encoding.ASCII.GetString(code, _pc, end - _pc);
            _pc = end + 1;
            return s;
        }

        private static long TextInt(string s) => s switch
        {
            "00" => 0,
            "01" => 1,
            _ => long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v)
                ? v
                : throw new InvalidDataException($"'{s}' is not an integer"),
        };

        private static long Long(ReadOnlySpan<byte> le)
        {
            if (le.Length > 8) throw new InvalidDataException($"integer of {le.Length} bytes");
            long v = le.Length > 0 && (le[^1] & 0x80) != 0 ? -1 : 0;
            for (int i = le.Length - 1; i >= 0; i--) v = (v << 8) | le[i];
            return v;
        }

        private static string Utf8(ReadOnlySpan<byte> b) => Encoding.UTF8.GetString(b);

        private object? Memo(long index) =>
            _memo.TryGetValue(index, out var v) ? v : throw new InvalidDataException($"memo {index} read before it was written");

        private void Push(object? v) => _stack.Add(v);

        private object? Peek() => _stack.Count > 0 ? _stack[^1] : throw new InvalidDataException("stack underflow");

        private object? Pop()
        {
            var v = Peek();
            _stack.RemoveAt(_stack.Count - 1);
            return v is Mark ? throw new InvalidDataException("unexpected mark") : v;
        }

        private object?[] Take(int n)
        {
            var items = new object?[n];
            for (int i = n - 1; i >= 0; i--) items[i] = Pop();
            return items;
        }

        private List<object?> PopToMark()
        {
            int mark = _stack.FindLastIndex(v => v is Mark);
            if (mark < 0) throw new InvalidDataException("no mark on the stack");
            var items = _stack.GetRange(mark + 1, _stack.Count - mark - 1);
            _stack.RemoveRange(mark, _stack.Count - mark);
            return items;
        }

        private void Append(int count)
        {
            List<object?> items = count == 1 ? [Pop()] : PopToMark();
            if (Peek() is not List<object?> list) throw new InvalidDataException("APPEND to something that is not a list");
            list.AddRange(items);
        }

        private void SetItems(object?[] keyValues)
        {
            if (keyValues.Length % 2 != 0) throw new InvalidDataException("odd number of dictionary items");
            var target = Peek();
            // A dict literal, or an OrderedDict() being filled (its REDUCE result): both only collect the pairs.
            var pairs = target switch
            {
                List<KeyValuePair<object?, object?>> d => d,
                Call { Function: "collections.OrderedDict" } => null,
                _ => throw new InvalidDataException("SETITEM on something that is not a dictionary"),
            };
            for (int i = 0; i < keyValues.Length; i += 2) pairs?.Add(new(keyValues[i], keyValues[i + 1]));
        }

        private static List<KeyValuePair<object?, object?>> Pairs(List<object?> flat)
        {
            if (flat.Count % 2 != 0) throw new InvalidDataException("odd number of dictionary items");
            var d = new List<KeyValuePair<object?, object?>>();
            for (int i = 0; i < flat.Count; i += 2) d.Add(new(flat[i], flat[i + 1]));
            return d;
        }
    }
}
