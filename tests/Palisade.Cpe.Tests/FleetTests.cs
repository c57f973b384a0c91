using Palisade.Acs.Devices;
using Palisade.Cpe.Simulation;
using Palisade.Security.Pki;
using Palisade.Testing;

namespace Palisade.Cpe.Tests;

/// <summary>The fleet simulator against the real Palisade on 127.0.0.1.</summary>
public sealed class FleetTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Devices_with_certificates_from_the_acs_ca_need_no_password_on_every_new_connection()
    {
        var pki = Path.Combine(_server.DataDirectory, "pki");
        using var authority = new CertificateAuthority(PkiStore.LoadWithKey(Path.Combine(pki, "ca.crt"), Path.Combine(pki, "ca.key")));
        var options = new FleetOptions
        {
            AcsUrl = _server.Url,
            Devices = 3,
            SerialPrefix = "CERT",
            Ramp = TimeSpan.Zero,
            Connection = Palisade.Cpe.Agent.ConnectionMode.PerSession,
            ClientCertificates = identity => authority.IssueClient(new DeviceId(identity.Oui, identity.ProductClass, identity.SerialNumber).ToString(), TimeSpan.FromDays(1)),
        };
        options.TrustedCas.AddRange(_server.Host.Facts.ClientCertificateAnchors);
        await using var fleet = new FleetSimulator(options);
        await fleet.CreateAsync(CancellationToken.None);

        // Two sessions each, a TLS handshake each: the certificate (prepared once per device) is presented every time.
        foreach (var agent in fleet.Agents)
        {
            for (var session = 0; session < 2; session++)
            {
                var outcome = await agent.RunSessionAsync(CancellationToken.None);
                Assert.True(outcome.Success, outcome.Detail);
            }

            var id = new DeviceId(agent.Model.Identity.Oui, agent.Model.Identity.ProductClass, agent.Model.Identity.SerialNumber);
            var device = await _server.Host.Store.GetDeviceAsync(id, CancellationToken.None);
            Assert.Equal(AuthMethods.ClientCertificate, device!.AuthMethod);
        }
    }
}
