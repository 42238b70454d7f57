using System.Net;
using System.Net.Sockets;

namespace Dashboard.EndToEnd.Tests.Hosting;

/// <summary>A loopback port nobody listens on now, so a dashboard already running on 5080 does not matter.</summary>
internal static class FreePort
{
    public static int Pick()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
