using System.Net;
using System.Net.Sockets;

namespace Dashboard.Infrastructure.Database.Embedded;

/// <summary>Picks a TCP port on 127.0.0.1 that nothing listens on right now.</summary>
internal static class LoopbackPort
{
    /// <summary>
    /// Racy by nature (someone may take the port before the server binds it); the caller retries
    /// with another port when the server reports the address in use.
    /// </summary>
    public static int PickFree()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }
}
