using System.Security.Cryptography.X509Certificates;
using Palisade.Cpe.Transport;
using Palisade.Cwmp;
using Palisade.Cwmp.Envelope;
using Palisade.Cwmp.Messages;
using Palisade.Cwmp.Structs;
using Palisade.Cwmp.Values;

using Palisade.Testing;

namespace Palisade.Server.Tests;

/// <summary>
/// A scripted CPE for the ACS's integration tests: it sends exactly the messages a test tells it to, over the real
/// HTTPS transport, and remembers the credentials the ACS gives it.
/// </summary>
public sealed class TestCpe : IDisposable
{
    private readonly AcsClient _client;

    public TestCpe(TestServer? server, string serial, string? username, string? password, X509Certificate2? clientCertificate = null, Uri? url = null, string? trust = null)
    {
        Serial = serial;
        var acsUrl = url ?? server!.Url;
        var options = new AcsClientOptions
        {
            AcsUrl = acsUrl,
            Username = username,
            Password = password,
            ClientCertificate = clientCertificate,
            AllowPlaintext = acsUrl.Scheme == "http",
        };
        if (server is not null)
        {
            options.TrustedCas.AddRange(server.Host.Facts.ClientCertificateAnchors);
        }

        if (trust is not null)
        {
            options.TrustedCas.ImportFromPemFile(trust);
        }

        _client = new AcsClient(options);
    }

    public string Serial { get; }

    public string DeviceId => new Palisade.Acs.Devices.DeviceId("00D09E", "HGW", Serial).ToString();

    public string? ConnectionRequestUsername { get; private set; }

    public static TestCpe Bootstrap(TestServer server, string serial)
    {
        var b = server.Host.Facts.Bootstrap!;
        return new TestCpe(server, serial, b.Username, b.Password);
    }

    public InformRequest Inform(params string[] events) => BuildInform(Serial, events);

    public static InformRequest BuildInform(string serial, params string[] events) => new(
        new DeviceIdStruct("Palisade Test", "00D09E", "HGW", serial),
        [.. events.Select(e => new EventStruct(e))],
        1,
        DateTimeOffset.UtcNow,
        0,
        [
            new ParameterValueStruct("Device.DeviceInfo.SoftwareVersion", ParameterValue.String("1.0.0")),
            new ParameterValueStruct("Device.DeviceInfo.HardwareVersion", ParameterValue.String("A")),
            new ParameterValueStruct("Device.ManagementServer.ConnectionRequestURL", ParameterValue.String("http://192.0.2.1:7547/cr")),
            new ParameterValueStruct("Device.ManagementServer.PeriodicInformInterval", ParameterValue.UnsignedInt(3600)),
            new ParameterValueStruct("Device.ManagementServer.ParameterKey", ParameterValue.String("")),
        ]);

    public Task<AcsReply> SendInformAsync(CwmpVersion version = CwmpVersion.V1_4, params string[] events)
    {
        // From 1.2 on the namespace no longer tells the version: a CPE lists what it supports (TR-069 A.2.1).
        var header = new CwmpHeader
        {
            Id = "inform-1",
            SupportedCwmpVersions = version >= CwmpVersion.V1_2 ? [.. CwmpVersions.All.Where(v => v <= version).Select(CwmpVersions.ToText)] : null,
        };
        return SendAsync(new CwmpEnvelope(version, header, Inform(events.Length == 0 ? ["2 PERIODIC"] : events)));
    }

    public Task<AcsReply> SendAsync(CwmpEnvelope? envelope) => _client.SendAsync(envelope, CancellationToken.None);

    public Task<AcsReply> EmptyPostAsync() => SendAsync(null);

    public Task<AcsReply> AnswerAsync(AcsReply request, CwmpMessage answer) =>
        SendAsync(CwmpEnvelope.For(request.Envelope!.Version, request.Envelope.Header.Id, answer));

    /// <summary>
    /// Runs a whole session: Inform, empty POST, then answers every ACS request with <paramref name="answer"/>
    /// (and accepts the ACS's enrollment). Returns the ACS requests seen, in order.
    /// </summary>
    public async Task<List<CwmpMessage>> RunSessionAsync(Func<CwmpMessage, CwmpMessage>? answer = null, params string[] events)
    {
        var seen = new List<CwmpMessage>();
        var reply = await SendInformAsync(CwmpVersion.V1_4, events);
        Assert.Equal(200, reply.StatusCode);
        Assert.IsType<InformResponse>(reply.Envelope!.Body);
        reply = await EmptyPostAsync();
        while (!reply.EndsSession)
        {
            Assert.Equal(200, reply.StatusCode);
            var request = reply.Envelope!.Body!;
            seen.Add(request);
            reply = await AnswerAsync(reply, Handle(request, answer));
        }

        Assert.Equal(204, reply.StatusCode);
        _client.EndSession();
        return seen;
    }

    public void EndSession() => _client.EndSession();

    public CwmpMessage Handle(CwmpMessage request, Func<CwmpMessage, CwmpMessage>? answer)
    {
        if (request is SetParameterValuesRequest set && set.ParameterList.Any(p => p.Name.EndsWith("ManagementServer.Password", StringComparison.Ordinal)))
        {
            var user = set.ParameterList.Single(p => p.Name.EndsWith("ManagementServer.Username", StringComparison.Ordinal)).Value.Text;
            var password = set.ParameterList.Single(p => p.Name.EndsWith("ManagementServer.Password", StringComparison.Ordinal)).Value.Text;
            _client.SetCredentials(user, password);
            Username = user;
            Password = password;
            return new SetParameterValuesResponse(0);
        }

        if (request is SetParameterValuesRequest cr && cr.ParameterList.Any(p => p.Name.EndsWith("ConnectionRequestPassword", StringComparison.Ordinal)))
        {
            ConnectionRequestUsername = cr.ParameterList.Single(p => p.Name.EndsWith("ConnectionRequestUsername", StringComparison.Ordinal)).Value.Text;
            return new SetParameterValuesResponse(0);
        }

        return answer?.Invoke(request) ?? Default(request);
    }

    public string? Username { get; private set; }

    public string? Password { get; private set; }

    public void UseCredentials(string username, string password) => _client.SetCredentials(username, password);

    public static CwmpMessage Default(CwmpMessage request) => request switch
    {
        GetParameterValuesRequest gpv => new GetParameterValuesResponse([.. gpv.ParameterNames.Select(n => new ParameterValueStruct(n, ParameterValue.String("value-of-" + n)))]),
        SetParameterValuesRequest => new SetParameterValuesResponse(0),
        AddObjectRequest => new AddObjectResponse(3, 0),
        DeleteObjectRequest => new DeleteObjectResponse(0),
        RebootRequest => new RebootResponse(),
        DownloadRequest => new DownloadResponse(1, CwmpDateTime.Unknown, CwmpDateTime.Unknown),
        GetParameterNamesRequest => new GetParameterNamesResponse([new ParameterInfoStruct("Device.DeviceInfo.", false), new ParameterInfoStruct("Device.DeviceInfo.SoftwareVersion", false)]),
        _ => new CwmpFault(9000),
    };

    public void Dispose() => _client.Dispose();
}
