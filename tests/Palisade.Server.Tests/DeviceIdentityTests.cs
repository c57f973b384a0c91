using Palisade.Acs.Devices;
using Palisade.Acs.Storage;
using Palisade.Cwmp;
using Palisade.Cwmp.Messages;
using Palisade.Security.Pki;

using Palisade.Testing;

namespace Palisade.Server.Tests;

/// <summary>Once a device has proven who it is one way, nothing weaker admits its id again (issue 24, high).</summary>
public sealed class DeviceIdentityTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_certificate_device_cannot_be_taken_over_with_the_bootstrap_credential()
    {
        using var ca = Ca();
        var id = new DeviceId("00D09E", "HGW", "SN-CERT1");
        using var certificate = ca.IssueClient(id.ToString(), TimeSpan.FromDays(30));
        using var real = new TestCpe(_server, "SN-CERT1", null, null, certificate);
        await real.RunSessionAsync(null, "0 BOOTSTRAP", "1 BOOT");

        var stored = await DeviceAsync(id);
        Assert.True(stored.Credentials.Enrolled);
        Assert.Equal(Acs.Identity.CertificateBinding.Of(certificate), stored.Credentials.CertificateThumbprint);
        var task = await _server.Host.Store.AddTaskAsync(id, new NewTask("reboot", """{"name":"reboot"}""", DateTimeOffset.UtcNow, null), CancellationToken.None);

        // The impostor holds the fleet-wide bootstrap credential and names the same id over Digest.
        using var impostor = TestCpe.Bootstrap(_server, "SN-CERT1");
        var reply = await impostor.SendInformAsync(CwmpVersion.V1_4, "0 BOOTSTRAP");
        Assert.Equal(403, reply.StatusCode);

        stored = await DeviceAsync(id);
        Assert.Equal(AuthMethods.ClientCertificate, stored.AuthMethod);
        Assert.Null(stored.Credentials.Username);
        Assert.Equal(DeviceTaskStatus.Queued, (await _server.Host.Store.GetTaskAsync(task.Id, CancellationToken.None))!.Status);

        // The real device still gets in, and gets its task.
        var seen = await real.RunSessionAsync(null, "2 PERIODIC");
        Assert.Contains(seen, m => m is RebootRequest);
    }

    [Fact]
    public async Task A_certificate_on_another_key_does_not_admit_a_bound_device()
    {
        using var ca = Ca();
        var id = new DeviceId("00D09E", "HGW", "SN-CERT2");
        using var first = ca.IssueClient(id.ToString(), TimeSpan.FromDays(30));
        using var real = new TestCpe(_server, "SN-CERT2", null, null, first);
        await real.RunSessionAsync(null, "0 BOOTSTRAP", "1 BOOT");

        using var second = ca.IssueClient(id.ToString(), TimeSpan.FromDays(30));
        using var other = new TestCpe(_server, "SN-CERT2", null, null, second);
        Assert.Equal(403, (await other.SendInformAsync(CwmpVersion.V1_4, "2 PERIODIC")).StatusCode);
        Assert.Equal(Acs.Identity.CertificateBinding.Of(first), (await DeviceAsync(id)).Credentials.CertificateThumbprint);
    }

    [Fact]
    public async Task A_digest_enrolled_device_that_later_shows_its_certificate_is_bound_to_it()
    {
        using var digest = TestCpe.Bootstrap(_server, "SN-CERT3");
        await digest.RunSessionAsync(null, "0 BOOTSTRAP", "1 BOOT");
        var id = new DeviceId("00D09E", "HGW", "SN-CERT3");
        Assert.True((await DeviceAsync(id)).Credentials.Enrolled);

        using var ca = Ca();
        using var certificate = ca.IssueClient(id.ToString(), TimeSpan.FromDays(30));
        using var withCertificate = new TestCpe(_server, "SN-CERT3", null, null, certificate);
        await withCertificate.RunSessionAsync(null, "2 PERIODIC");

        // From now on its Digest credential, weaker than the certificate, no longer admits the id.
        Assert.Equal(403, (await digest.SendInformAsync(CwmpVersion.V1_4, "2 PERIODIC")).StatusCode);
    }

    private CertificateAuthority Ca() =>
        new(PkiStore.LoadWithKey(Path.Combine(_server.DataDirectory, "pki", "ca.crt"), Path.Combine(_server.DataDirectory, "pki", "ca.key")));

    private async Task<Device> DeviceAsync(DeviceId id) =>
        await _server.Host.Store.GetDeviceAsync(id, CancellationToken.None) ?? throw new InvalidOperationException($"{id} is not stored.");
}
