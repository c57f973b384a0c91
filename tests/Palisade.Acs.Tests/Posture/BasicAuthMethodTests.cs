using System.Net;
using System.Security.Authentication;
using Palisade.Acs.Auth;
using Palisade.Acs.Devices;
using Palisade.Acs.Sessions;
using Palisade.Security.Digest;
using Palisade.Security.Secrets;

namespace Palisade.Acs.Tests.Posture;

/// <summary>The posture's basic-auth item counts devices by the scheme they used; a Basic login on the bootstrap credential is Basic.</summary>
public sealed class BasicAuthMethodTests
{
    [Fact]
    public void Basic_on_the_bootstrap_credential_is_recorded_as_basic_and_enrolls()
    {
        var bootstrap = new BootstrapCredential("bootstrap", "bootstrap-secret-1234");
        var authenticator = new DeviceAuthenticator(new AuthenticationOptions { AllowBasic = true, Bootstrap = bootstrap }, TimeProvider.System);
        var request = new CwmpHttpRequest("POST", "/", null, BasicCredentials.Header(bootstrap.Username, bootstrap.Password), ReadOnlyMemory<byte>.Empty,
            new ConnectionFacts(IPAddress.Loopback, 40000, SslProtocols.Tls13, null));

        var decision = authenticator.Authenticate(new DeviceId("00D09E", "HGW", "B0001"), null, request);

        Assert.Equal(AuthVerdict.Accepted, decision.Verdict);
        Assert.Equal(AuthMethods.Basic, decision.Method);
        Assert.True(decision.Enroll);
    }
}
