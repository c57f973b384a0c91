using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Palisade.Cpe.Agent;
using Palisade.Cpe.ConnectionRequests;
using Palisade.Cpe.Model;
using Palisade.Testing;

namespace Palisade.Audit.Tests;

/// <summary><c>palisade audit</c> against Palisade's defaults (nothing above low) and against deliberately weak endpoints (each weakness found).</summary>
public sealed class AuditTests
{
    [Fact]
    public async Task The_default_palisade_serve_has_nothing_above_low()
    {
        await using var server = await TestServer.StartAsync();
        var options = new AuditOptions { Target = server.Url };
        options.TrustedCas.AddRange(server.Host.Facts.ClientCertificateAnchors);
        var findings = await Auditor.RunAsync(options, CancellationToken.None);
        Assert.DoesNotContain(findings, f => f.Severity > Severity.Low);
        Assert.Equal(0, await server.Host.Store.CountDevicesAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Without_the_private_ca_the_chain_is_reported_untrusted()
    {
        await using var server = await TestServer.StartAsync();
        var findings = await Auditor.RunAsync(new AuditOptions { Target = server.Url }, CancellationToken.None);
        Assert.Contains(findings, f => f.Id == "cert-untrusted-or-missing-chain" && f.Severity == Severity.High);
    }

    [Fact]
    public async Task Insecure_http_is_reported_as_plaintext()
    {
        await using var server = await TestServer.StartAsync(o => o.InsecureHttp = true);
        var findings = await Auditor.RunAsync(new AuditOptions { Target = server.Url }, CancellationToken.None);
        Assert.Contains(findings, f => f.Id == "plaintext" && f.Severity == Severity.High);
        Assert.DoesNotContain(findings, f => f.Id is "cwmp-no-auth" or "xml-dtd" or "xml-external-entity" or "oversize-accepted");
    }

    [Fact]
    public async Task A_weak_acs_shows_every_weakness()
    {
        await using var weak = await TestWebServer.StartAsync(null, async context =>
        {
            context.Response.Headers.Server = "LegacyACS/2.3.1";
            context.Response.Headers["X-Powered-By"] = "PHP/5.4";
            using var body = new StreamReader(context.Request.Body);
            var text = await body.ReadToEndAsync();
            context.Response.ContentType = "text/xml";
            await context.Response.WriteAsync(text.Contains("GetRPCMethods", StringComparison.Ordinal)
                ? "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:cwmp=\"urn:dslforum-org:cwmp-1-2\"><soap:Body><cwmp:GetRPCMethodsResponse/></soap:Body></soap:Envelope>"
                : "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:cwmp=\"urn:dslforum-org:cwmp-1-2\"><soap:Body><cwmp:InformResponse><MaxEnvelopes>1</MaxEnvelopes></cwmp:InformResponse></soap:Body></soap:Envelope>");
        });
        var findings = await Auditor.RunAsync(new AuditOptions { Target = weak.Url }, CancellationToken.None);
        var ids = findings.Select(f => f.Id).ToHashSet();
        foreach (var expected in new[] { "plaintext", "cwmp-no-auth", "cwmp-no-inform-first", "xml-dtd", "xml-external-entity", "oversize-accepted", "banner", "banner-powered-by" })
        {
            Assert.Contains(expected, ids);
        }

        Assert.Equal(Severity.Critical, findings[0].Severity);
        var json = JsonSerializer.Serialize(findings.ToList(), FindingJson.Default.ListFinding);
        Assert.Contains("\"severity\": \"critical\"", json, StringComparison.Ordinal);
        Assert.Contains("\"remedy\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Palisades_connection_request_endpoint_is_clean_and_a_weak_one_is_not()
    {
        await using var server = await TestServer.StartAsync();
        await using var listener = await ConnectionRequestServer.StartAsync(IPAddress.Loopback, 0);
        var bootstrap = server.Host.Facts.Bootstrap!;
        var options = new AgentOptions { AcsUrl = server.Url, Username = bootstrap.Username, Password = bootstrap.Password };
        options.TrustedCas.AddRange(server.Host.Facts.ClientCertificateAnchors);
        await using var agent = new CpeAgent(new CpeDataModel(DeviceTemplate.Build(DeviceProfile.Gateway()), new DeviceIdentity("M", "00D09E", "SIM-GW", "AUD0001", "M", "A")), options);
        var url = listener.Register(agent);
        await agent.RunSessionAsync(CancellationToken.None);
        var (user, password) = agent.ConnectionRequestCredentials!.Value;

        var clean = await Auditor.RunAsync(new AuditOptions { Target = url, Kind = "cpe", Username = user, Password = password }, CancellationToken.None);
        Assert.DoesNotContain(clean, f => f.Severity > Severity.Low && f.Id != "plaintext");
        Assert.DoesNotContain(clean, f => f.Id is "cr-no-auth" or "cr-no-rate-limit" or "digest-replay" or "cr-basic");

        await using var weak = await TestWebServer.StartAsync(null, context =>
        {
            context.Response.StatusCode = 200;
            return Task.CompletedTask;
        });
        var findings = await Auditor.RunAsync(new AuditOptions { Target = new Uri(weak.Url, "/cr"), Kind = "cpe" }, CancellationToken.None);
        Assert.Contains(findings, f => f.Id == "cr-no-auth" && f.Severity == Severity.Critical);
        Assert.Contains(findings, f => f.Id == "cr-no-rate-limit");
    }
}
