using System.Collections.Frozen;
using System.Runtime.Serialization;
using System.Text.Json;
using Akka.Actor;
using Akka.Event;
using Akka.Serialization;

namespace Spark3D.Actors.Cluster;

/// <summary>
/// Wire format for every <see cref="IClusterMessage"/>: UTF-8 System.Text.Json of the record, with an explicit short
/// manifest per type (no type names on the wire, no polymorphism). An unknown manifest, bytes that are not valid JSON
/// for the manifest's type, or a record missing required fields is rejected with a <see cref="SerializationException"/>,
/// counted and logged by <see cref="RefusedMessages"/>.
/// </summary>
public sealed class ClusterMessageSerializer : SerializerWithStringManifest
{
    /// <summary>Serializer id (unique among the system's serializers; Akka reserves 0..100).</summary>
    public const int SerializerId = 5301;

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        MaxDepth = 16,
    };

    // Manifest per type. Never reuse a manifest for a different type: nodes of different versions may meet.
    private static readonly FrozenDictionary<Type, string> ManifestByType = new Dictionary<Type, string>
    {
        [typeof(VolumeWorkItem)] = "VWI",
        [typeof(RegisterWorker)] = "RGW",
        [typeof(WorkerRegistered)] = "WRG",
        [typeof(RequestWork)] = "RQW",
        [typeof(WorkGranted)] = "WGR",
        [typeof(NoWorkYet)] = "NWY",
        [typeof(AllWorkDone)] = "AWD",
        [typeof(WorkCompleted)] = "WCP",
        [typeof(WorkFailed)] = "WFL",
        [typeof(AwaitCompletion)] = "AWC",
        [typeof(GetClusterStatus)] = "GCS",
        [typeof(ClusterStatus)] = "CST",
        [typeof(ClusterMemberInfo)] = "CMI",
        [typeof(JobSummary)] = "JSM",
        [typeof(NodeThroughput)] = "NTP",
    }.ToFrozenDictionary();

    // Parameterless messages travel as zero bytes and come back as their single instance.
    private static readonly FrozenDictionary<string, object> SingletonByManifest = new Dictionary<string, object>
    {
        ["NWY"] = NoWorkYet.Instance,
        ["AWD"] = AllWorkDone.Instance,
        ["AWC"] = AwaitCompletion.Instance,
        ["GCS"] = GetClusterStatus.Instance,
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<string, Type> TypeByManifest =
        ManifestByType.ToFrozenDictionary(kv => kv.Value, kv => kv.Key);

    /// <summary>Created by Akka from the <c>akka.actor.serializers</c> entry.</summary>
    public ClusterMessageSerializer(ExtendedActorSystem system)
        : base(system)
    {
    }

    /// <inheritdoc />
    public override int Identifier => SerializerId;

    /// <summary>All message types this serializer handles (for tests and config checks).</summary>
    public static IReadOnlyCollection<Type> MessageTypes => ManifestByType.Keys;

    /// <inheritdoc />
    public override string Manifest(object o)
    {
        ArgumentNullException.ThrowIfNull(o);
        return ManifestByType.TryGetValue(o.GetType(), out var manifest)
            ? manifest
            : throw Reject($"cannot serialize {o.GetType().FullName}: not a Spark3D cluster message");
    }

    /// <inheritdoc />
    public override byte[] ToBinary(object obj)
    {
        var manifest = Manifest(obj);
        return SingletonByManifest.ContainsKey(manifest)
            ? []
            : JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), JsonOptions);
    }

    /// <inheritdoc />
    public override object FromBinary(byte[] bytes, string manifest)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (manifest is null || !TypeByManifest.TryGetValue(manifest, out var type))
        {
            throw RejectInbound($"rejected cluster message with unknown manifest '{manifest}'", manifest, bytes);
        }

        if (SingletonByManifest.TryGetValue(manifest, out var singleton))
        {
            return bytes.Length == 0
                ? singleton
                : throw RejectInbound($"rejected malformed {type.Name}: expected no payload", manifest, bytes);
        }

        object? message;
        try
        {
            message = JsonSerializer.Deserialize(bytes, type, JsonOptions);
        }
        catch (JsonException ex)
        {
            throw RejectInbound($"rejected malformed {type.Name}: {ex.Message}", manifest, bytes, ex);
        }

        return message is not null && IsWellFormed(message)
            ? message
            : throw RejectInbound($"rejected malformed {type.Name}: missing or empty required fields", manifest, bytes);
    }

    // Nullability is enforced by the JSON options; this catches what they cannot (empty ids, null list elements).
    private static bool IsWellFormed(object message) => message switch
    {
        VolumeWorkItem m => m.Id.Length > 0,
        RequestWork m => m.Count > 0 && m.WorkerAddress.Length > 0,
        RegisterWorker m => m.WorkerAddress.Length > 0,
        WorkGranted m => m.Items.Count > 0 && m.Items.All(i => i is not null && i.Id.Length > 0) && m.LeaseId.Length > 0,
        WorkCompleted m => m.Id.Length > 0 && m.WorkerAddress.Length > 0,
        WorkFailed m => m.Id.Length > 0 && m.WorkerAddress.Length > 0,
        ClusterStatus m => m.Members.All(x => x is not null) && m.Nodes.All(x => x is not null),
        JobSummary m => m.Nodes.All(x => x is not null),
        _ => true,
    };

    // Inbound: counted and logged (rate-limited) by RefusedMessages, like a payload for the disabled json serializer.
    private SerializationException RejectInbound(string message, string? manifest, byte[] bytes, Exception? inner = null)
    {
        RefusedMessages.Record(system, SerializerId, "ClusterMessageSerializer: " + message, manifest, bytes.Length);
        return new SerializationException($"{message} ({bytes.Length} bytes)", inner);
    }

    private SerializationException Reject(string message, Exception? inner = null)
    {
        system.Log.Error(inner, "ClusterMessageSerializer: {0}", message);
        return new SerializationException(message, inner);
    }
}
