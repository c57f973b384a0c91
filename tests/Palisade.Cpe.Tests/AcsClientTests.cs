using Microsoft.AspNetCore.Http;
using Palisade.Cpe.Transport;
using Palisade.Testing;

namespace Palisade.Cpe.Tests;

/// <summary>The CPE's HTTP side against a scripted Digest endpoint.</summary>
public sealed class AcsClientTests : IAsyncLifetime
{
    private readonly List<string?> _authorizations = [];
    private TestWebServer _acs = null!;

    public async Task InitializeAsync() =>
        _acs = await TestWebServer.StartAsync(null, context =>
        {
            var authorization = context.Request.Headers.Authorization.ToString();
            lock (_authorizations)
            {
                _authorizations.Add(authorization.Length == 0 ? null : authorization);
            }

            if (authorization.Length == 0)
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.Response.Headers.WWWAuthenticate = "Digest realm=\"acs\", nonce=\"n1\", qop=\"auth\", algorithm=SHA-256";
            }
            else
            {
                context.Response.StatusCode = StatusCodes.Status204NoContent;
            }

            return Task.CompletedTask;
        });

    public async Task DisposeAsync() => await _acs.DisposeAsync();

    [Fact]
    public async Task A_new_connection_answers_the_nonce_it_already_holds_instead_of_drawing_another_401()
    {
        using var first = Client("cpe", "secret");
        await first.SendAsync(null, CancellationToken.None);
        using var second = Client("cpe", "secret");
        second.ContinueAuthentication(first);
        await second.SendAsync(null, CancellationToken.None);

        // 401, answered (nc 1); then straight away answered again with the next nonce-count.
        Assert.Equal(3, _authorizations.Count);
        Assert.Null(_authorizations[0]);
        Assert.Contains("nc=00000001", _authorizations[1], StringComparison.Ordinal);
        Assert.Contains("nonce=\"n1\"", _authorizations[2], StringComparison.Ordinal);
        Assert.Contains("nc=00000002", _authorizations[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Other_credentials_do_not_inherit_the_nonce()
    {
        using var first = Client("cpe", "secret");
        await first.SendAsync(null, CancellationToken.None);
        using var second = Client("cpe", "rotated");
        second.ContinueAuthentication(first);
        await second.SendAsync(null, CancellationToken.None);

        Assert.Equal(4, _authorizations.Count);
        Assert.Null(_authorizations[2]);
    }

    private AcsClient Client(string user, string password) =>
        new(new AcsClientOptions { AcsUrl = _acs.Url, Username = user, Password = password, AllowPlaintext = true });
}
