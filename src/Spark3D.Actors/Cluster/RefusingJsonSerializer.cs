using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;

namespace Spark3D.Actors.Cluster;

/// <summary>
/// Takes the place of Akka's default <c>json</c> serializer (Newtonsoft with <c>$type</c> names, id 1). Akka.Remote
/// deserializes an inbound envelope with whatever serializer id the sender names, so with Newtonsoft bound any peer
/// that reaches the port could make a node build any loadable type. This one refuses both ways: nothing is
/// serialized with it (a message without a binding of its own fails to send instead of going out as Newtonsoft), and
/// every inbound payload naming id 1 is refused, counted and logged (<see cref="RefusedMessages"/>). It is a
/// string-manifest serializer so Akka hands it the sender's manifest as text and never resolves it to a type.
/// </summary>
public sealed class RefusingJsonSerializer : SerializerWithStringManifest
{
    /// <summary>Akka's id for <c>json</c>; taking it over is the point.</summary>
    public const int JsonSerializerId = 1;

    /// <summary>Created by Akka from <c>akka.actor.serializers.json</c>.</summary>
    public RefusingJsonSerializer(ExtendedActorSystem system)
        : base(system)
    {
    }

    /// <summary>Created by Akka when <c>akka.actor.serialization-settings.json</c> is present (it is, in Akka's defaults).</summary>
    public RefusingJsonSerializer(ExtendedActorSystem system, Akka.Configuration.Config config)
        : base(system)
    {
        _ = config; // Newtonsoft's pooling settings: nothing to configure here
    }

    /// <inheritdoc />
    public override int Identifier => JsonSerializerId;

    /// <inheritdoc />
    public override string Manifest(object o) =>
        throw new SerializationException($"{o?.GetType().FullName} has no serializer binding; Spark3D sends only its own cluster messages and Akka's");

    /// <inheritdoc />
    public override byte[] ToBinary(object obj) =>
        throw new SerializationException($"{obj?.GetType().FullName} has no serializer binding; the Newtonsoft json serializer is disabled");

    /// <inheritdoc />
    public override object FromBinary(byte[] bytes, string manifest)
    {
        RefusedMessages.Record(system, JsonSerializerId, "the json (Newtonsoft) serializer is disabled on this node", manifest, bytes?.Length ?? 0);
        throw new SerializationException($"refused a payload for serializer id {JsonSerializerId} (json is disabled), manifest '{manifest}'");
    }
}
