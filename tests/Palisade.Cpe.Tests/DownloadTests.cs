using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Palisade.Acs.Storage;
using Palisade.Cwmp.Events;
using Palisade.Security.Signing;
using Palisade.Testing;
using static Palisade.Cpe.Tests.AgentFixture;

namespace Palisade.Cpe.Tests;

public sealed class DownloadTests : IAsyncLifetime
{
    private readonly ECDsa _trusted = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _untrusted = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly Dictionary<string, byte[]> _files = new(StringComparer.Ordinal);
    private TestServer _server = null!;
    private TestWebServer _fileServer = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        _fileServer = await TestWebServer.StartTrustedAsync(_server, TestWebServer.Files(_files));

        var firmware = RandomNumberGenerator.GetBytes(100_000);
        Publish("/fw-2.0.0.bin", firmware, FileSignature.Sign(firmware, "2.0.0", _trusted));
        Publish("/fw-evil.bin", firmware, FileSignature.Sign(firmware, "6.6.6", _untrusted));
        var tampered = (byte[])firmware.Clone();
        tampered[500] ^= 0xFF;
        Publish("/fw-tampered.bin", tampered, FileSignature.Sign(firmware, "2.0.0", _trusted));
        _files["/fw-unsigned.bin"] = firmware;
    }

    public async Task DisposeAsync()
    {
        await _fileServer.DisposeAsync();
        await _server.DisposeAsync();
        _trusted.Dispose();
        _untrusted.Dispose();
    }

    [Fact]
    public async Task A_signed_firmware_is_installed_and_reported_with_transfer_complete()
    {
        await using var agent = Trusting("DL0001");
        await SessionOkAsync(agent);
        var task = await QueueAsync(_server, agent, $$"""{"name":"download","fileType":"1 Firmware Upgrade Image","url":"{{_fileServer.Url}}fw-2.0.0.bin","fileSize":100000}""");
        await SessionOkAsync(agent);
        Assert.Contains("pending", (await TaskAsync(_server, task)).Result, StringComparison.Ordinal);

        await TransferDoneAsync(agent, "the transfer");
        Assert.Contains(agent.PendingEvents, e => e.EventCode == EventCodes.MDownload && e.CommandKey == "task-" + task.Id);
        Assert.Contains(agent.PendingEvents, e => e.EventCode == EventCodes.Boot);
        await SessionOkAsync(agent);

        var stored = await TaskAsync(_server, task);
        Assert.Equal(DeviceTaskStatus.Done, stored.Status);
        Assert.Equal("2.0.0", agent.Model.SoftwareVersion);
        Assert.Equal("2.0.0", (await DeviceAsync(_server, agent)).SoftwareVersion);
    }

    [Theory]
    [InlineData("/fw-evil.bin", "not trust")]
    [InlineData("/fw-tampered.bin", "SHA-256")]
    [InlineData("/fw-unsigned.bin", "no signature")]
    public async Task A_file_without_a_valid_trusted_signature_is_refused_with_9018(string path, string reason)
    {
        await using var agent = Trusting("DL" + path.Length);
        await SessionOkAsync(agent);
        var task = await QueueAsync(_server, agent, $$"""{"name":"download","fileType":"1 Firmware Upgrade Image","url":"{{_fileServer.Url}}{{path[1..]}}"}""");
        await SessionOkAsync(agent);
        await TransferDoneAsync(agent, "the transfer");
        await SessionOkAsync(agent);

        var stored = await TaskAsync(_server, task);
        Assert.Equal(DeviceTaskStatus.Faulted, stored.Status);
        Assert.Equal(9018, stored.Fault!.Code);
        Assert.Contains(reason, stored.Fault.Message, StringComparison.Ordinal);
        Assert.Equal("1.0.0", agent.Model.SoftwareVersion);
    }

    [Fact]
    public async Task A_missing_file_is_9016_and_plain_http_is_refused_with_9013()
    {
        await using var agent = Trusting("DL0009");
        await SessionOkAsync(agent);
        var missing = await QueueAsync(_server, agent, $$"""{"name":"download","fileType":"1 Firmware Upgrade Image","url":"{{_fileServer.Url}}nothing.bin"}""");
        var plain = await QueueAsync(_server, agent, """{"name":"download","fileType":"1 Firmware Upgrade Image","url":"http://127.0.0.1:1/fw.bin"}""");
        await SessionOkAsync(agent);
        Assert.Equal(9013, (await TaskAsync(_server, plain)).Fault!.Code);
        await TransferDoneAsync(agent, "the transfer");
        await SessionOkAsync(agent);
        Assert.Equal(9016, (await TaskAsync(_server, missing)).Fault!.Code);
    }

    [Fact]
    public async Task Upload_puts_the_configuration_without_secrets()
    {
        byte[]? received = null;
        await using var sink = await TestWebServer.StartTrustedAsync(_server, async context =>
        {
            using var copy = new MemoryStream();
            await context.Request.Body.CopyToAsync(copy);
            received = HttpMethods.IsPut(context.Request.Method) ? copy.ToArray() : null;
        });
        await using var agent = Trusting("UP0001");
        await SessionOkAsync(agent);
        var task = await QueueAsync(_server, agent, $$"""{"name":"upload","fileType":"1 Vendor Configuration File","url":"{{sink.Url}}config"}""");
        await SessionOkAsync(agent);
        await EventuallyAsync(() => Task.FromResult(agent.PendingEvents.Any(e => e.EventCode == EventCodes.MUpload)), "the upload");
        await SessionOkAsync(agent);
        Assert.Equal(DeviceTaskStatus.Done, (await TaskAsync(_server, task)).Status);
        var text = System.Text.Encoding.UTF8.GetString(received!);
        Assert.Contains("Device.WiFi.SSID.1.SSID", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Password", text, StringComparison.Ordinal);
    }

    private Palisade.Cpe.Agent.CpeAgent Trusting(string serial) =>
        NewAgent(_server, serial, o => o.SigningKeys[FileSignature.KeyIdOf(_trusted)] = _trusted);

    private void Publish(string path, byte[] file, FileSignature signature)
    {
        _files[path] = file;
        _files[path + ".sig"] = signature.ToJson();
    }
}
