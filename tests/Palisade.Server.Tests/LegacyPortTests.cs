using Palisade.Cwmp.Messages;
using Palisade.Testing;

namespace Palisade.Server.Tests;

/// <summary>The legacy plaintext port beside TLS is only a way out for devices on their way to https.</summary>
public sealed class LegacyPortTests : IAsyncLifetime
{
    private TestServer _server = null!;

    private Uri Legacy => _server.Host.Facts.LegacyHttpUrl!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(o => o.LegacyHttpPort = 0);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_device_that_uses_https_is_refused_on_the_legacy_plaintext_port()
    {
        using var device = TestCpe.Bootstrap(_server, "LEG0001");
        await device.RunSessionAsync();
        Assert.NotNull(device.Password);

        using var plaintext = new TestCpe(_server, "LEG0001", device.Username, device.Password, url: Legacy);
        var refused = await plaintext.SendInformAsync();
        Assert.Equal(403, refused.StatusCode);

        // Over TLS the same credentials still admit it.
        await device.RunSessionAsync();
    }

    [Fact]
    public async Task Nothing_is_enrolled_over_the_legacy_plaintext_port_and_the_device_is_enrolled_over_tls()
    {
        var bootstrap = _server.Host.Facts.Bootstrap!;
        using var plaintext = new TestCpe(_server, "LEG0002", bootstrap.Username, bootstrap.Password, url: Legacy);
        var sent = await plaintext.RunSessionAsync();
        Assert.DoesNotContain(sent, m => m is SetParameterValuesRequest);
        Assert.Null(plaintext.Password);

        using var tls = TestCpe.Bootstrap(_server, "LEG0002");
        await tls.RunSessionAsync();
        Assert.NotNull(tls.Password);
    }
}
