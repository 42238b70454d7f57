using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using IPNetwork = System.Net.IPNetwork;

namespace Dashboard.Web.Hosting;

/// <summary>
/// Which reverse proxies may tell the app the client's address, scheme and host (X-Forwarded-For, -Proto,
/// -Host), from "Dashboard:Proxy": <c>KnownProxies</c> (addresses) and <c>KnownNetworks</c> (CIDR ranges), each a
/// list or one comma-separated string. Default: loopback only, so a TLS proxy on the same machine works as is;
/// headers from any other sender are ignored. Behind TLS this is what marks the session cookie Secure.
/// </summary>
public sealed record ProxyOptions(IReadOnlyList<IPAddress> KnownProxies, IReadOnlyList<IPNetwork> KnownNetworks)
{
    public static readonly ProxyOptions Loopback = new([IPAddress.IPv6Loopback], [IPNetwork.Parse("127.0.0.0/8")]);

    public static ProxyOptions From(IConfiguration configuration)
    {
        var section = configuration.GetSection("Dashboard:Proxy");
        var proxies = List(section, "KnownProxies");
        var networks = List(section, "KnownNetworks");
        if (proxies.Count == 0 && networks.Count == 0) return Loopback;
        return new ProxyOptions(
            proxies.Select(p => IPAddress.TryParse(p, out var address) ? address
                : throw new InvalidOperationException($"Dashboard:Proxy:KnownProxies: '{p}' is not an IP address.")).ToList(),
            networks.Select(n => IPNetwork.TryParse(n, out var network) ? network
                : throw new InvalidOperationException($"Dashboard:Proxy:KnownNetworks: '{n}' is not a network like 10.0.0.0/8.")).ToList());
    }

    /// <summary>Sets the forwarded-headers middleware to believe these proxies, and only them.</summary>
    public void Apply(ForwardedHeadersOptions forwarded)
    {
        forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
        forwarded.KnownProxies.Clear();
        forwarded.KnownIPNetworks.Clear();
        foreach (var proxy in KnownProxies) forwarded.KnownProxies.Add(proxy);
        foreach (var network in KnownNetworks) forwarded.KnownIPNetworks.Add(network);
    }

    private static List<string> List(IConfigurationSection section, string key)
    {
        var child = section.GetSection(key);
        var values = child.Value is { Length: > 0 } joined ? joined.Split(',') : child.GetChildren().Select(c => c.Value ?? "");
        return values.Select(v => v.Trim()).Where(v => v.Length > 0).ToList();
    }
}
