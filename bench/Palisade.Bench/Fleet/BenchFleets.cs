using Palisade.Cpe.Agent;
using Palisade.Cpe.Model;
using Palisade.Cpe.Simulation;
using Palisade.Security.Pki;

namespace Palisade.Bench.Fleet;

/// <summary>The simulated fleets the benchmark drives: one for Palisade, one for the baseline, built alike.</summary>
internal static class BenchFleets
{
    /// <summary>
    /// The fleet of <paramref name="settings"/> against <paramref name="url"/>; with <paramref name="share"/>, only the
    /// devices of that index range (one node's part of a fleet that several nodes serve).
    /// </summary>
    public static async Task<FleetSimulator> CreateAsync(Uri url, FleetSettings settings, DeviceProfile profile, string? user, string? password, string data, CancellationToken cancellationToken,
        (int First, int Count)? share = null)
    {
        var options = new FleetOptions
        {
            // By name, as a CPE knows its ACS (TLS clients resume sessions only with a host name), at the address
            // the server listens on.
            AcsUrl = new UriBuilder(url) { Host = "localhost" }.Uri,
            ConnectTo = System.Net.IPAddress.Parse(url.Host),
            Devices = share?.Count ?? settings.Devices,
            FirstIndex = share?.First ?? 0,
            Profile = profile,
            BootstrapUsername = settings.Auth == "cert" ? null : user,
            BootstrapPassword = settings.Auth == "cert" ? null : password,
            Periodic = TimeSpan.FromHours(1),
            Ramp = TimeSpan.Zero,
            // full: a new connection per session, never resumed; resumed: a new connection per session, each device
            // resuming its own TLS session (its first after boot is a full handshake); reuse: one kept connection.
            Connection = settings.Tls == "reuse" ? ConnectionMode.Kept : ConnectionMode.PerSession,
            AllowTlsResume = settings.Tls == "resumed",
        };
        options.TrustedCas.ImportFromPemFile(Path.Combine(data, "pki", "ca.crt"));

        // Client certificates as an operator issues them: from the server's CA, subject CN the device identity.
        using var authority = settings.Auth == "cert" ? new CertificateAuthority(PkiStore.LoadWithKey(Path.Combine(data, "pki", "ca.crt"), Path.Combine(data, "pki", "ca.key"))) : null;
        if (authority is not null)
        {
            options.ClientCertificates = identity => authority.IssueClient(DeviceIdOf(identity).ToString(), TimeSpan.FromDays(2));
        }

        var fleet = new FleetSimulator(options);
        await fleet.CreateAsync(cancellationToken).ConfigureAwait(false);
        return fleet;
    }

    public static Palisade.Acs.Devices.DeviceId DeviceIdOf(CpeAgent agent) => DeviceIdOf(agent.Model.Identity);

    public static Palisade.Acs.Devices.DeviceId DeviceIdOf(DeviceIdentity identity) => new(identity.Oui, identity.ProductClass, identity.SerialNumber);
}
