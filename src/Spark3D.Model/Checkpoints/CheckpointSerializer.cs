using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Spark3D.Model.Training;

namespace Spark3D.Model.Checkpoints;

/// <summary>
/// The checkpoint file format: magic "S3DCKPT1", a length-prefixed UTF-8 JSON header (step, schedule, strings), three
/// length-prefixed binary sections (model, optimiser, torch RNG; length −1 = absent), then the SHA-256 of every
/// preceding byte. Written and read as a stream, so large models are not copied twice in memory.
/// </summary>
internal static class CheckpointSerializer
{
    private static readonly byte[] Magic = "S3DCKPT1"u8.ToArray();
    private const int HashLength = 32;
    private const int MaxHeaderBytes = 256 << 20;

    private sealed record Header(
        long Step, DateTimeOffset CreatedUtc, string? Schedule, string? CallerRng, string? DataCursor, string? Config);

    /// <summary>Writes the checkpoint to <paramref name="stream"/>; returns the hex SHA-256.</summary>
    public static string Write(Checkpoint c, Stream stream)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Put(ReadOnlySpan<byte> bytes)
        {
            hash.AppendData(bytes);
            stream.Write(bytes);
        }
        void PutLength(long n)
        {
            Span<byte> b = stackalloc byte[8];
            BitConverter.TryWriteBytes(b, n);
            Put(b);
        }
        void PutSection(byte[]? bytes)
        {
            PutLength(bytes?.LongLength ?? -1);
            if (bytes is not null) Put(bytes);
        }

        var header = JsonSerializer.SerializeToUtf8Bytes(new Header(
            c.Step, c.CreatedUtc, c.Schedule?.ToJson(), c.CallerRngJson, c.DataCursorJson, c.ConfigText));
        Put(Magic);
        PutSection(header);
        PutSection(c.ModelState);
        PutSection(c.OptimizerState);
        PutSection(c.TorchRngState);
        var digest = hash.GetHashAndReset();
        stream.Write(digest);
        return Convert.ToHexStringLower(digest);
    }

    /// <summary>Reads and verifies a checkpoint file.</summary>
    /// <exception cref="CorruptCheckpointException">Any structural problem or checksum mismatch.</exception>
    public static Checkpoint Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        var fileLength = stream.Length;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        void Take(Span<byte> buffer, string what)
        {
            if (stream.Position + buffer.Length > fileLength - HashLength)
                throw new CorruptCheckpointException(path, $"truncated while reading {what} (file is {fileLength} bytes)");
            stream.ReadExactly(buffer);
            hash.AppendData(buffer);
        }
        byte[]? TakeSection(string what, long max)
        {
            Span<byte> b = stackalloc byte[8];
            Take(b, what + " length");
            var n = BitConverter.ToInt64(b);
            if (n == -1) return null;
            if (n < 0 || n > max || stream.Position + n > fileLength - HashLength)
                throw new CorruptCheckpointException(path, $"{what} length {n} does not fit the file ({fileLength} bytes)");
            var bytes = new byte[n];
            Take(bytes, what);
            return bytes;
        }

        var magic = new byte[Magic.Length];
        Take(magic, "magic");
        if (!magic.AsSpan().SequenceEqual(Magic)) throw new CorruptCheckpointException(path, "not a Spark3D checkpoint (bad magic)");
        var headerBytes = TakeSection("header", MaxHeaderBytes) ?? throw new CorruptCheckpointException(path, "missing header");
        var model = TakeSection("model state", long.MaxValue) ?? throw new CorruptCheckpointException(path, "missing model state");
        var optimizer = TakeSection("optimizer state", long.MaxValue);
        var rng = TakeSection("rng state", long.MaxValue);
        if (fileLength - stream.Position != HashLength)
            throw new CorruptCheckpointException(path, $"{fileLength - stream.Position - HashLength} unexpected bytes before the checksum");
        var stored = new byte[HashLength];
        stream.ReadExactly(stored);
        var actual = hash.GetHashAndReset();
        if (!CryptographicOperations.FixedTimeEquals(stored, actual))
            throw new CorruptCheckpointException(path, "SHA-256 checksum mismatch");

        Header header;
        try
        {
            header = JsonSerializer.Deserialize<Header>(headerBytes) ?? throw new JsonException("null header");
        }
        catch (JsonException e)
        {
            throw new CorruptCheckpointException(path, "header is not valid JSON: " + e.Message);
        }
        // A valid SHA-256 proves the file is as it was written, not who wrote it: every count, shape and byte size the
        // sections declare is checked against their bytes before TorchSharp allocates a tensor for it.
        try
        {
            Interop.TorchSharpStateFormat.ValidateModelState(model);
        }
        catch (InvalidDataException e)
        {
            throw new CorruptCheckpointException(path, "model state: " + e.Message);
        }
        try
        {
            if (optimizer is not null) Interop.TorchSharpStateFormat.ValidateOptimizerState(optimizer);
        }
        catch (InvalidDataException e)
        {
            throw new CorruptCheckpointException(path, "optimizer state: " + e.Message);
        }
        return new Checkpoint
        {
            Step = header.Step,
            CreatedUtc = header.CreatedUtc,
            Schedule = header.Schedule is null ? null : LrSchedule.FromJson(header.Schedule),
            CallerRngJson = header.CallerRng,
            DataCursorJson = header.DataCursor,
            ConfigText = header.Config,
            ModelState = model,
            OptimizerState = optimizer,
            TorchRngState = rng,
            Sha256 = Convert.ToHexStringLower(actual),
        };
    }

    /// <summary>UTF-8 without BOM, for the pointer file.</summary>
    public static readonly Encoding Utf8 = new UTF8Encoding(false);
}
