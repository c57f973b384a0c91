using System.Net;
using System.Security.Authentication;
using Palisade.Acs.Devices;
using Palisade.Acs.Sessions;
using Palisade.Cwmp;
using Palisade.Cwmp.Codec;
using Palisade.Cwmp.Envelope;
using Palisade.Cwmp.Messages;
using Palisade.Cwmp.Structs;
using Palisade.Cwmp.Values;
using Palisade.Security.Digest;

namespace Palisade.Acs.Tests.Sessions;

/// <summary>One answer of the engine, with its SOAP body parsed when it has one.</summary>
internal sealed record EngineReply(CwmpHttpResponse Response, CwmpEnvelope? Envelope)
{
    public int Status => Response.StatusCode;

    public CwmpMessage? Body => Envelope?.Body;

    public string Text => System.Text.Encoding.UTF8.GetString(Response.Body.Span);

    public IEnumerable<string> Header(string name) =>
        Response.Headers.Where(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value);
}

/// <summary>
/// A scripted CPE talking to <see cref="SessionEngine.HandleAsync"/> directly: it builds each request with the CWMP
/// codec, answers Digest challenges, keeps the session cookie as a CPE's HTTP client would, and accepts the ACS's
/// enrollment the way a real CPE does (by switching to the credential it was given).
/// </summary>
internal sealed class EngineCpe
{
    private readonly EngineHarness _harness;
    private DigestClient _digest;

    public EngineCpe(EngineHarness harness, string serial, string address, string username, string password)
    {
        _harness = harness;
        Serial = serial;
        Address = IPAddress.Parse(address);
        Username = username;
        Password = password;
        _digest = new DigestClient(username, password);
    }

    public string Serial { get; }

    public DeviceId Id => new("00D09E", "HGW", Serial);

    /// <summary>The address requests come from; a test may move the CPE.</summary>
    public IPAddress Address { get; set; }

    public string Username { get; private set; }

    public string Password { get; private set; }

    /// <summary>The session cookie the ACS set, sent with every request until the session ends.</summary>
    public string? Cookie { get; set; }

    public string? ConnectionRequestUsername { get; private set; }

    public void UseCredentials(string username, string password)
    {
        Username = username;
        Password = password;
        _digest = new DigestClient(username, password);
    }

    public InformRequest Inform(params string[] events) => new(
        new DeviceIdStruct("Palisade Test", "00D09E", "HGW", Serial),
        [.. (events.Length == 0 ? ["2 PERIODIC"] : events).Select(e => new EventStruct(e))],
        1,
        EngineHarness.Start,
        0,
        [
            new ParameterValueStruct("Device.DeviceInfo.SoftwareVersion", ParameterValue.String("1.0.0")),
            new ParameterValueStruct("Device.ManagementServer.ConnectionRequestURL", ParameterValue.String("http://192.0.2.1:7547/cr")),
            new ParameterValueStruct("Device.ManagementServer.PeriodicInformInterval", ParameterValue.UnsignedInt(3600)),
        ]);

    public static CwmpEnvelope InformEnvelope(InformRequest inform) => new(
        CwmpVersion.V1_4,
        new CwmpHeader { Id = "inform-1", SupportedCwmpVersions = [.. CwmpVersions.All.Select(CwmpVersions.ToText)] },
        inform);

    /// <summary>One HTTP request as the host would hand it over; the cookie is kept or dropped as a CPE would.</summary>
    public async Task<EngineReply> PostAsync(CwmpEnvelope? envelope, string? authorization = null, string method = "POST")
    {
        var body = envelope is null ? ReadOnlyMemory<byte>.Empty : CwmpWriter.ToBytes(envelope);
        var request = new CwmpHttpRequest(method, "/", Cookie, authorization, body, new ConnectionFacts(Address, 40000, SslProtocols.None, null));
        var response = await _harness.Engine.HandleAsync(request, CancellationToken.None);
        if (response.SetSessionCookie is { } cookie)
        {
            Cookie = cookie;
        }

        if (response.StatusCode == 204)
        {
            Cookie = null;
        }

        var parsed = response.StatusCode == 200 && !response.Body.IsEmpty ? CwmpReader.Parse(response.Body) : null;
        return new EngineReply(response, parsed);
    }

    /// <summary>
    /// Sends an Inform as a CPE does: without credentials first, then answering the 401's Digest challenge.
    /// Returns the last reply (the InformResponse when admitted).
    /// </summary>
    public Task<EngineReply> InformAsync(params string[] events) => InformAsync(Inform(events));

    /// <inheritdoc cref="InformAsync(string[])"/>
    public async Task<EngineReply> InformAsync(InformRequest inform)
    {
        var envelope = InformEnvelope(inform);
        var reply = await PostAsync(envelope);
        if (reply.Status != 401)
        {
            return reply;
        }

        var challenge = DigestClient.PickChallenge(reply.Header("WWW-Authenticate"))
            ?? throw new InvalidOperationException("The 401 carries no usable Digest challenge.");
        return await PostAsync(envelope, _digest.Authorize(challenge, "POST", "/"));
    }

    public Task<EngineReply> EmptyPostAsync() => PostAsync(null);

    public Task<EngineReply> AnswerAsync(EngineReply request, CwmpMessage answer) =>
        PostAsync(CwmpEnvelope.For(request.Envelope!.Version, request.Envelope.Header.Id, answer));

    /// <summary>
    /// A whole session: Inform, the empty POST, then every ACS request answered by <paramref name="answer"/> (the
    /// ACS's own credential changes are accepted first), until the 204. Returns the ACS's requests in order.
    /// </summary>
    public async Task<List<CwmpMessage>> RunSessionAsync(Func<CwmpMessage, CwmpMessage>? answer = null, params string[] events)
    {
        var reply = await InformAsync(events);
        Assert.Equal(200, reply.Status);
        Assert.IsType<InformResponse>(reply.Body);
        return await FinishSessionAsync(answer);
    }

    /// <summary>The rest of a session after its InformResponse: the empty POST and every answer, until the 204.</summary>
    public async Task<List<CwmpMessage>> FinishSessionAsync(Func<CwmpMessage, CwmpMessage>? answer = null)
    {
        var seen = new List<CwmpMessage>();
        var reply = await EmptyPostAsync();
        while (reply.Status == 200)
        {
            seen.Add(reply.Body!);
            reply = await AnswerAsync(reply, Handle(reply.Body!, answer));
        }

        Assert.Equal(204, reply.Status);
        return seen;
    }

    public CwmpMessage Handle(CwmpMessage request, Func<CwmpMessage, CwmpMessage>? answer)
    {
        if (request is SetParameterValuesRequest set && Value(set, "ManagementServer.Password") is { } password)
        {
            UseCredentials(Value(set, "ManagementServer.Username")!, password);
            return new SetParameterValuesResponse(0);
        }

        if (request is SetParameterValuesRequest cr && Value(cr, "ManagementServer.ConnectionRequestUsername") is { } crUser)
        {
            ConnectionRequestUsername = crUser;
            return new SetParameterValuesResponse(0);
        }

        return answer?.Invoke(request) ?? Default(request);
    }

    public static CwmpMessage Default(CwmpMessage request) => request switch
    {
        GetParameterValuesRequest gpv => new GetParameterValuesResponse([.. gpv.ParameterNames.Select(n => new ParameterValueStruct(n, ParameterValue.String("value-of-" + n)))]),
        SetParameterValuesRequest => new SetParameterValuesResponse(0),
        RebootRequest => new RebootResponse(),
        _ => new CwmpFault(9000),
    };

    private static string? Value(SetParameterValuesRequest set, string suffix) =>
        set.ParameterList.FirstOrDefault(p => p.Name.EndsWith(suffix, StringComparison.Ordinal))?.Value.Text;
}
