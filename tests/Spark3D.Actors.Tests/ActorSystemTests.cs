using Akka.Actor;
using Akka.TestKit.Xunit2;

namespace Spark3D.Actors.Tests;

public class ActorSystemTests : TestKit
{
    [Fact]
    public void Echo_round_trip()
    {
        var echo = Sys.ActorOf(Props.Create(() => new EchoActor()));
        echo.Tell("ping");
        ExpectMsg("ping");
    }

    private sealed class EchoActor : ReceiveActor
    {
        public EchoActor() => ReceiveAny(m => Sender.Tell(m));
    }
}
