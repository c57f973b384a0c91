using Palisade.Commands;

namespace Palisade.Tests;

public sealed class XmppSettingsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("palisade-xmpp-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_xmpp_account_comes_from_the_settings_file_with_its_password_read_from_a_file()
    {
        var options = SettingsFile("s3cret-from-file").ToOptions().Xmpp!;

        Assert.Equal(("xmpp.example.net", 5222), (options.Host, options.Port));
        Assert.Equal("acs@xmpp.example.net", options.Jid.Bare);
        Assert.StartsWith("palisade-", options.Jid.Resource, StringComparison.Ordinal);
        Assert.Equal("s3cret-from-file", options.Password);
    }

    [Theory]
    [InlineData("xmpp.example.net:5222", "acs@xmpp.example.net", null, "--xmpp-password-file")]
    [InlineData("xmpp.example.net", "acs@xmpp.example.net", "/dev/null", "HOST:PORT")]
    [InlineData("xmpp.example.net:5222", "xmpp.example.net", "/dev/null", "--xmpp-jid")]
    [InlineData(null, "acs@xmpp.example.net", null, "--xmpp-server")]
    public void An_incomplete_xmpp_account_is_refused_with_the_option_to_fix(string? server, string? jid, string? passwordFile, string named)
    {
        var settings = new ServeSettings { XmppServer = server, XmppJid = jid, XmppPasswordFile = passwordFile };
        var e = Assert.Throws<ArgumentException>(() => settings.ToOptions());
        Assert.Contains(named, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Extra_xmpp_domains_come_from_the_settings_file_and_the_environment_and_a_bad_one_is_refused()
    {
        var file = SettingsFile("s3cret", """, "xmppAllowDomains": ["Partner.Example"]""");
        Assert.Equal(["partner.example"], file.ToOptions().ConnectionRequestTargets.XmppDomains);

        var env = ServeSettings.FromEnvironment(name => name == "PALISADE_XMPP_ALLOW_DOMAINS" ? "a.example, b.example" : null);
        Assert.Equal(["a.example", "b.example"], file.Overlay(env).ToOptions().ConnectionRequestTargets.XmppDomains);

        var bad = file.Overlay(new ServeSettings { XmppAllowDomains = ["*.example"] });
        Assert.Contains("--xmpp-allow-domain", Assert.Throws<ArgumentException>(() => bad.ToOptions()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Extra_xmpp_domains_without_an_xmpp_server_are_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => new ServeSettings { XmppAllowDomains = ["partner.example"] }.ToOptions());
        Assert.Contains("--xmpp-server", e.Message, StringComparison.Ordinal);
    }

    // A settings file naming an XMPP account whose password is in a file of its own, with <paramref name="extra"/>
    // members after it.
    private ServeSettings SettingsFile(string password, string extra = "")
    {
        var passwordFile = Path.Combine(_folder, "xmpp-password");
        File.WriteAllText(passwordFile, password + "\n");
        File.WriteAllText(Path.Combine(_folder, "settings.json"), $$"""
            { "xmppServer": "xmpp.example.net:5222", "xmppJid": "acs@xmpp.example.net", "xmppPasswordFile": "{{passwordFile.Replace("\\", "\\\\", StringComparison.Ordinal)}}"{{extra}} }
            """);
        return ServeSettings.FromFile(Path.Combine(_folder, "settings.json"));
    }
}
