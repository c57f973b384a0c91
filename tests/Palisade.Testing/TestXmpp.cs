using System.Security.Cryptography.X509Certificates;
using Palisade.Xmpp;

namespace Palisade.Testing;

/// <summary>
/// The XMPP server the tests use: the throwaway prosody that test.sh starts (scripts/test-prosody.sh) and describes in
/// <c>PALISADE_TEST_XMPP</c> (127.0.0.1:PORT), <c>…_DOMAIN</c>, <c>…_CA</c> and <c>…_PASSWORD</c>. Its accounts are
/// <c>acs</c>, <c>intruder</c> and <c>cpe1</c>…<c>cpe16</c>; each test class uses accounts of its own.
/// </summary>
public static class TestXmpp
{
    public const string Variable = "PALISADE_TEST_XMPP";

    /// <summary>HOST:PORT of the server; without it the tests fail, loudly, rather than skip.</summary>
    public static string Server => Get(Variable);

    public static string Domain => Get(Variable + "_DOMAIN");

    /// <summary>The PEM file of the CA that issued the server's certificate.</summary>
    public static string CaPath => Get(Variable + "_CA");

    public static string Password => Get(Variable + "_PASSWORD");

    /// <summary>The full JID <c>account@domain/resource</c> (a fresh resource when none is given).</summary>
    public static Jid Jid(string account, string? resource = null) => new(account, Domain, resource ?? "t" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>Options for <paramref name="account"/>, trusting the test CA (or <paramref name="cas"/>).</summary>
    public static XmppOptions Options(string account, X509Certificate2Collection? cas = null, string? password = null)
    {
        var (host, port) = XmppOptions.ParseServer(Server, Variable);
        var trusted = cas ?? [X509CertificateLoader.LoadCertificateFromFile(CaPath)];
        return new XmppOptions
        {
            Host = host,
            Port = port,
            Jid = Jid(account),
            Password = password ?? Password,
            TrustedCas = trusted,
            ReconnectDelay = TimeSpan.FromMilliseconds(200),
            MaxReconnectDelay = TimeSpan.FromSeconds(2),
        };
    }

    private static string Get(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{name} is not set: the XMPP tests need a server. Run ./test.sh (it starts a throwaway prosody), or source scripts/test-prosody.sh and call prosody_test_start.");
}
