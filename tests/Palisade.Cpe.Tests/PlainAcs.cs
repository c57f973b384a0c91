using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http;
using Palisade.Cpe.Agent;
using Palisade.Cpe.Model;
using Palisade.Cwmp;
using Palisade.Cwmp.Codec;
using Palisade.Cwmp.Envelope;
using Palisade.Cwmp.Messages;
using Palisade.Testing;

namespace Palisade.Cpe.Tests;

/// <summary>
/// A minimal ACS (plain HTTP unless given a certificate) for tests of the agent alone: it accepts every Inform, plays the requests it is given
/// one per session turn, records what the CPE sent and answered, and ends each session with a 204.
/// </summary>
internal sealed class PlainAcs : IAsyncDisposable
{
    private readonly ConcurrentQueue<CwmpMessage> _script = new();
    private readonly ConcurrentQueue<InformRequest> _informs = new();
    private readonly ConcurrentQueue<CwmpMessage> _answers = new();
    private TestWebServer _server = null!;

    public Uri Url => _server.Url;

    /// <summary>Every Inform received, oldest first.</summary>
    public IReadOnlyList<InformRequest> Informs => [.. _informs];

    /// <summary>The CPE's answers to the scripted requests, oldest first.</summary>
    public IReadOnlyList<CwmpMessage> Answers => [.. _answers];

    /// <summary>Starts the ACS: plain HTTP, or HTTPS with <paramref name="certificate"/>.</summary>
    public static async Task<PlainAcs> StartAsync(X509Certificate2? certificate = null)
    {
        var acs = new PlainAcs();
        acs._server = await TestWebServer.StartAsync(certificate, acs.HandleAsync);
        return acs;
    }

    /// <summary>Queues a request for the next session turn.</summary>
    public void Enqueue(CwmpMessage request) => _script.Enqueue(request);

    /// <summary>A gateway-profile agent for this ACS, on the given clock.</summary>
    public CpeAgent NewAgent(string serial, TimeProvider? time = null, Action<AgentOptions>? configure = null)
    {
        var options = new AgentOptions { AcsUrl = Url, AllowPlaintext = true };
        configure?.Invoke(options);
        var identity = new DeviceIdentity("Palisade Simulated", "00D09E", "SIM-GW", serial, "SIM-GW 1000", "rev-A");
        return new CpeAgent(new CpeDataModel(AgentFixture.Gateway, identity, time), options, time);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var envelope = body.Length == 0 ? CwmpEnvelope.Empty : CwmpReader.Parse(body.ToArray());
        CwmpMessage? reply = null;
        var id = envelope.Header.Id;
        switch (envelope.Body)
        {
            case InformRequest inform:
                _informs.Enqueue(inform);
                reply = new InformResponse(1);
                break;
            case TransferCompleteRequest:
                reply = new TransferCompleteResponse();
                break;
            case { IsResponse: true } answer:
                _answers.Enqueue(answer);
                break;
        }

        if (reply is null && _script.TryDequeue(out var next))
        {
            reply = next;
            id = "acs-" + _answers.Count;
        }

        if (reply is null)
        {
            context.Response.StatusCode = 204;
            return;
        }

        context.Response.ContentType = "text/xml";
        await context.Response.Body.WriteAsync(CwmpWriter.ToBytes(new CwmpEnvelope(CwmpVersion.V1_4, new CwmpHeader { Id = id }, reply)));
    }
}
