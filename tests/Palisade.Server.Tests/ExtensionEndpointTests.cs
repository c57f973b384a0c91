using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Palisade.Acs.Access;
using Palisade.Acs.Devices;
using Palisade.Acs.Provisioning;
using Palisade.Cpe.Agent;
using Palisade.Cpe.Model;
using Palisade.Security.Pki;
using Palisade.Testing;

namespace Palisade.Server.Tests;

/// <summary>ext() against real HTTPS endpoints on 127.0.0.1 that the operator configured: a trusted one answers, one whose certificate is not trusted faults its channel alone.</summary>
public sealed class ExtensionEndpointTests
{
    [Fact]
    public async Task A_configured_endpoint_answers_ext_and_an_untrusted_one_faults_only_its_channel()
    {
        using var ca = CertificateAuthority.Create("Extension test CA");
        using var stranger = CertificateAuthority.Create("Untrusted CA");
        var caFile = Path.Combine(Directory.CreateTempSubdirectory("palisade-ext-").FullName, "ext-ca.pem");
        await File.WriteAllTextAsync(caFile, ca.Certificate.ExportCertificatePem());
        var calls = 0;
        await using var directory = await TestWebServer.StartAsync(ca.IssueServer(["127.0.0.1"], TimeSpan.FromDays(1)), async context =>
        {
            Interlocked.Increment(ref calls);
            var request = (await JsonNode.ParseAsync(context.Request.Body))!;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(new JsonObject { ["ssid"] = $"{request["function"]}-{request["args"]![0]}" }.ToJsonString());
        });
        await using var untrusted = await TestWebServer.StartAsync(stranger.IssueServer(["127.0.0.1"], TimeSpan.FromDays(1)), context => context.Response.WriteAsync("1"));
        await using var server = await TestServer.StartAsync(o =>
        {
            o.Extensions = new ScriptExtensionOptions
            {
                Endpoints = new Dictionary<string, Uri>
                {
                    ["directory"] = new(directory.Url, "directory"),
                    ["untrusted"] = new(untrusted.Url, "x"),
                },
            };
            o.ExtensionCaPaths.Add(caFile);

            // A loaded machine must not turn the session's script budget into the thing tested.
            o.Scripts = new Acs.Provisioning.Scripts.ScriptLimits { Timeout = TimeSpan.FromSeconds(2), SessionBudget = TimeSpan.FromSeconds(10) };
        });
        using var api = new ApiClient(server);
        var admin = await api.KeyAsync(Roles.Admin);
        await api.SendAsync(HttpMethod.Put, "api/v1/provisions/ssid", admin, """
            const serial = declare("DeviceID.SerialNumber", {value: 1}).value[0];
            const answer = ext("directory", "net", serial);
            declare("Device.WiFi.SSID.1.SSID", {value: 1}, {value: answer.ssid});
            """, "text/javascript");
        await api.SendAsync(HttpMethod.Put, "api/v1/provisions/bad", admin, "ext('untrusted', 'f');", "text/javascript");
        await api.SendAsync(HttpMethod.Put, "api/v1/presets/ssid", admin, """{"channel":"ssid","configurations":[{"type":"provision","name":"ssid"}]}""");
        await api.SendAsync(HttpMethod.Put, "api/v1/presets/bad", admin, """{"channel":"bad","configurations":[{"type":"provision","name":"bad"}]}""");

        var bootstrap = server.Host.Facts.Bootstrap!;
        var options = new AgentOptions { AcsUrl = server.Url, Username = bootstrap.Username, Password = bootstrap.Password, PeriodicInterval = TimeSpan.FromHours(1) };
        options.TrustedCas.AddRange(server.Host.Facts.ClientCertificateAnchors);
        await using var agent = new CpeAgent(new CpeDataModel(DeviceTemplate.Build(DeviceProfile.Gateway()), new DeviceIdentity("Palisade Simulated", "00D09E", "SIM-GW", "EXT0001", "SIM-GW 1000", "rev-A")), options);
        Assert.True((await agent.RunSessionAsync(CancellationToken.None)).Success);

        var faults = await server.Host.Store.ListChannelFaultsAsync(new DeviceId("00D09E", "SIM-GW", "EXT0001"), null, 10, CancellationToken.None);
        var fault = Assert.Single(faults, f => f.Channel == "bad" || Fail(f));
        Assert.Equal("net-EXT0001", agent.Model.Get("Device.WiFi.SSID.1.SSID"));
        Assert.Equal(1, calls);
        Assert.Equal(0, untrusted.Requests);
        Assert.Equal("bad", fault.Channel);
        Assert.Equal("ext.error", fault.Code);
    }

    private static bool Fail(ChannelFault fault) => throw new Xunit.Sdk.XunitException($"channel {fault.Channel} faulted: {fault.Code} {fault.Message} {fault.Detail}");
}
