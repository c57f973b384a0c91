using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Palisade.Acs.Storage;
using Palisade.Acs.Tasks;
using Palisade.Cwmp;
using Palisade.Cwmp.Envelope;
using Palisade.Cwmp.Messages;
using Palisade.Cwmp.Structs;
using Palisade.Cwmp.Values;
using Palisade.Security.Signing;
using Palisade.Testing;

namespace Palisade.Server.Tests;

/// <summary>
/// The file store through the API and the file server a device downloads from: per-device, short-lived, single-task
/// URLs with credentials; Range, ETag and HEAD; a bound on concurrent transfers; no path from a URL to the disk (issue 21).
/// </summary>
public sealed class FileServerTests : IAsyncLifetime
{
    private readonly ShiftedClock _clock = new();
    private readonly byte[] _firmware = RandomNumberGenerator.GetBytes(3 * 1024 * 1024);
    private TestServer _server = null!;
    private ApiClient _api = null!;
    private string _admin = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(
            o =>
            {
                o.Files.Limits.MaxUploadBytes = 4096;
                o.Files.MaxConcurrentTransfers = 4;
            },
            time: _clock);
        _api = new ApiClient(_server);
        _admin = await _api.KeyAsync("admin");
    }

    public async Task DisposeAsync()
    {
        _api.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task A_file_added_with_genieacs_headers_is_signed_by_the_server_and_refused_for_a_traversing_name()
    {
        var added = await PutFileAsync("fw-2.1.0.bin", _firmware);
        Assert.Equal(HttpStatusCode.Created, added.Status);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(_firmware)), added.Body["sha256"]!.GetValue<string>());
        var signature = FileSignature.Parse(Encoding.UTF8.GetBytes(added.Body["signature"]!.ToJsonString()))!;
        using var key = SigningKeyFile.LoadPublic(Path.Combine(_server.DataDirectory, "pki", SigningKeyFile.PublicFileName));
        Assert.Null(signature.Verify(_firmware, new Dictionary<string, ECDsa> { [FileSignature.KeyIdOf(key)] = key }));
        Assert.Equal("2.1.0", signature.SoftwareVersion);

        foreach (var name in new[] { "..%2F..%2Fpalisade.db", ".hidden", "a%2Fb" })
        {
            var refused = await _api.SendAsync(HttpMethod.Put, "api/v1/files/" + name, _admin, "x");
            Assert.True(refused.Status == HttpStatusCode.BadRequest, name + ": " + refused.Status + " " + refused.Text);
        }

        // A dot segment is resolved before the request leaves (files/%2E%2E is /api/v1/): no route, nothing written.
        var dots = await _api.SendAsync(HttpMethod.Put, "api/v1/files/%2E%2E", _admin, "x");
        Assert.True(dots.Status == HttpStatusCode.NotFound, dots.Status + " " + dots.Text);

        var viewer = await _api.KeyAsync("viewer");
        Assert.Equal(HttpStatusCode.Forbidden, (await _api.SendAsync(HttpMethod.Delete, "api/v1/files/fw-2.1.0.bin", viewer)).Status);
        Assert.Contains(await _server.Host.Store.ListAuditAsync(null, 50, CancellationToken.None), e => e.Action == "file.put" && e.Target == "fw-2.1.0.bin");
    }

    [Fact]
    public async Task A_download_url_works_only_for_its_device_with_its_password_until_it_expires_or_completes()
    {
        await PutFileAsync("fw.bin", _firmware);
        using var a = await DeviceAsync("SN-FILE-A");
        using var b = await DeviceAsync("SN-FILE-B");
        var (taskA, downloadA) = await QueueAndReceiveAsync(a);
        var (_, downloadB) = await QueueAndReceiveAsync(b);
        Assert.Equal((uint)_firmware.Length, downloadA.FileSize);
        Assert.Equal("fw.bin", downloadA.TargetFileName);
        Assert.StartsWith(_server.Host.Files!.Urls!.Https, downloadA.Url, StringComparison.Ordinal);
        Assert.True(downloadA.Url.Length <= 256);

        using var http = Client();
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(http, downloadA.Url, null)).StatusCode);
        using (var ok = await GetAsync(http, downloadA.Url, downloadA))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal(_firmware, await ok.Content.ReadAsByteArrayAsync());
        }

        // Another device's credentials on this device's URL, and a token altered by one character of its MAC.
        Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync(http, downloadA.Url, downloadB)).StatusCode);
        var at = downloadA.Url.Length - 10;
        var altered = downloadA.Url[..at] + (downloadA.Url[at] == 'A' ? 'B' : 'A') + downloadA.Url[(at + 1)..];
        Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync(http, altered, downloadA)).StatusCode);

        // The same token with the unused bits of its last character set decodes to the same bytes: it is no token
        // (one spelling only), and reading it is a 404, not an exception and a 500.
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        var respelled = downloadA.Url[..^1] + Alphabet[Alphabet.IndexOf(downloadA.Url[^1], StringComparison.Ordinal) | 1];
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(http, respelled, downloadA)).StatusCode);

        // Nothing else is served: no listing, no path to the disk.
        foreach (var path in new[] { "", "d/", "d/../palisade.db", "files/fw.bin", "d/%2e%2e%2fpalisade.db", "palisade.db", "files/" + Convert.ToHexStringLower(SHA256.HashData(_firmware)) })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(_server.Host.Files.Urls.Https + path)).StatusCode);
        }

        // Completed: the same URL is refused.
        await TransferCompleteAsync(a, taskA.Id);
        Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync(http, downloadA.Url, downloadA)).StatusCode);

        // Expired: B's URL works until its lifetime is over.
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(http, downloadB.Url, downloadB, head: true)).StatusCode);
        _clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync(http, downloadB.Url, downloadB)).StatusCode);
    }

    [Fact]
    public async Task Ranges_etags_head_and_the_signature_are_served_and_transfers_beyond_the_limit_get_503()
    {
        await PutFileAsync("fw.bin", _firmware);
        using var a = await DeviceAsync("SN-FILE-R");
        var (_, download) = await QueueAndReceiveAsync(a);
        using var http = Client();

        using (var head = await GetAsync(http, download.Url, download, head: true))
        {
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
            Assert.Equal(_firmware.Length, head.Content.Headers.ContentLength);
            Assert.Empty(await head.Content.ReadAsByteArrayAsync());
            Assert.Equal("\"" + Convert.ToHexStringLower(SHA256.HashData(_firmware)) + "\"", head.Headers.ETag!.Tag);
        }

        using (var request = Request(HttpMethod.Get, download.Url, download))
        {
            request.Headers.Range = new RangeHeaderValue(1_000_000, 1_000_099);
            using var partial = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
            Assert.Equal(_firmware.AsSpan(1_000_000, 100).ToArray(), await partial.Content.ReadAsByteArrayAsync());
        }

        using (var sig = await GetAsync(http, download.Url + ".sig", download))
        {
            var signature = FileSignature.Parse(await sig.Content.ReadAsByteArrayAsync());
            Assert.NotNull(signature);
            Assert.Equal(_firmware.Length, signature.Size);
        }

        // The limit is per node (4 here): hold every slot with downloads of a file larger than the sockets buffer,
        // left unread, and the next one is turned away.
        var big = RandomNumberGenerator.GetBytes(32 * 1024 * 1024);
        await PutFileAsync("big.bin", big);
        await QueueAsync(a, """{"name":"download","fileType":"1 Firmware Upgrade Image","fileName":"big.bin"}""");
        download = Assert.IsType<DownloadRequest>(await ReceiveAsync(a));
        Assert.Equal((uint)big.Length, download.FileSize);
        var held = new List<HttpResponseMessage>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                held.Add(await http.SendAsync(Request(HttpMethod.Get, download.Url, download), HttpCompletionOption.ResponseHeadersRead));
                Assert.Equal(HttpStatusCode.OK, held[^1].StatusCode);
            }

            using var turnedAway = await GetAsync(http, download.Url, download);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, turnedAway.StatusCode);
            Assert.NotNull(turnedAway.Headers.RetryAfter);
        }
        finally
        {
            held.ForEach(r => r.Dispose());
        }
    }

    [Fact]
    public async Task A_configuration_backup_is_stored_per_device_and_an_oversize_upload_is_refused()
    {
        using var a = await DeviceAsync("SN-FILE-U");
        var task = await QueueAsync(a, """{"name":"upload","fileType":"3 Vendor Configuration File"}""");
        var upload = (UploadRequest)(await ReceiveAsync(a))!;
        using var http = Client();
        using (var big = Request(HttpMethod.Put, upload.Url, upload.Username, upload.Password))
        {
            big.Content = new ByteArrayContent(new byte[5000]);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await http.SendAsync(big)).StatusCode);
        }

        using (var put = Request(HttpMethod.Put, upload.Url, upload.Username, upload.Password))
        {
            put.Content = new StringContent("{\"Device.WiFi.SSID.1.SSID\":\"home\"}");
            Assert.Equal(HttpStatusCode.Created, (await http.SendAsync(put)).StatusCode);
        }

        var backups = await _api.SendAsync(HttpMethod.Get, $"api/v1/devices/{Uri.EscapeDataString(a.DeviceId)}/backups", _admin);
        Assert.Equal("3 Vendor Configuration File", backups.Body["backups"]![0]!["fileType"]!.GetValue<string>());
        Assert.Equal(a.DeviceId, backups.Body["backups"]![0]!["device"]!.GetValue<string>());
        Assert.Equal(DeviceTaskStatus.Done, (await _server.Host.Store.GetTaskAsync(task.Id, CancellationToken.None))!.Status);
    }

    private async Task<ApiClient.Response> PutFileAsync(string name, byte[] content)
    {
        using var http = new HttpClient(new SocketsHttpHandler { SslOptions = Security.Pki.Certificates.ServerAuthentication(_server.Host.Facts.ClientCertificateAnchors, insecure: false) });
        using var request = new HttpRequestMessage(HttpMethod.Put, _server.Host.Facts.ApiUrl + "/api/v1/files/" + name) { Content = new ByteArrayContent(content) };
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + _admin);
        request.Headers.Add("fileType", "1 Firmware Upgrade Image");
        request.Headers.Add("version", "2.1.0");
        request.Headers.Add("oui", "00D09E");
        request.Headers.Add("productClass", "HGW");
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new ApiClient.Response(response.StatusCode, System.Text.Json.Nodes.JsonNode.Parse(text)!, text, null);
    }

    private async Task<TestCpe> DeviceAsync(string serial)
    {
        using var first = TestCpe.Bootstrap(_server, serial);
        await first.RunSessionAsync(null, "0 BOOTSTRAP");
        return new TestCpe(_server, serial, first.Username, first.Password);
    }

    private async Task<DeviceTask> QueueAsync(TestCpe cpe, string body)
    {
        var created = await _api.SendAsync(HttpMethod.Post, $"api/v1/devices/{Uri.EscapeDataString(cpe.DeviceId)}/tasks", _admin, body);
        Assert.True(created.Status == HttpStatusCode.Accepted, created.Text); // queued, no connection request
        return (await _server.Host.Store.GetTaskAsync(created.Body["id"]!.GetValue<long>(), CancellationToken.None))!;
    }

    // One session: the task's RPC arrives and is answered "completes later".
    private async Task<CwmpMessage?> ReceiveAsync(TestCpe cpe)
    {
        Assert.Equal(200, (await cpe.SendInformAsync(CwmpVersion.V1_4, "2 PERIODIC")).StatusCode);
        var sent = await cpe.EmptyPostAsync();
        Assert.True(sent.Envelope is not null, string.Join("\n", (await _server.Host.Store.ListTasksAsync(new Palisade.Acs.Devices.DeviceId("00D09E", "HGW", cpe.Serial), 5, CancellationToken.None)).Select(t => t.Status + " " + t.Payload + " " + t.Fault)));
        var rpc = sent.Envelope!.Body;
        var answer = rpc is UploadRequest ? new UploadResponse(1, CwmpDateTime.Unknown, CwmpDateTime.Unknown) : TestCpe.Default(rpc!);
        Assert.Equal(204, (await cpe.AnswerAsync(sent, answer)).StatusCode);
        cpe.EndSession();
        return rpc;
    }

    private async Task<(DeviceTask Task, DownloadRequest Download)> QueueAndReceiveAsync(TestCpe cpe)
    {
        var task = await QueueAsync(cpe, """{"name":"download","fileType":"1 Firmware Upgrade Image","fileName":"fw.bin"}""");
        return (task, Assert.IsType<DownloadRequest>(await ReceiveAsync(cpe)));
    }

    private static async Task TransferCompleteAsync(TestCpe cpe, long taskId)
    {
        Assert.Equal(200, (await cpe.SendInformAsync(CwmpVersion.V1_4, "7 TRANSFER COMPLETE")).StatusCode);
        var reply = await cpe.SendAsync(CwmpEnvelope.For(CwmpVersion.V1_4, "tc", new TransferCompleteRequest(TaskCommandKey.For(taskId), TransferFault.None, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow)));
        Assert.IsType<TransferCompleteResponse>(reply.Envelope!.Body);
        Assert.Equal(204, (await cpe.EmptyPostAsync()).StatusCode);
        cpe.EndSession();
    }

    private HttpClient Client() => new(new SocketsHttpHandler { SslOptions = Security.Pki.Certificates.ServerAuthentication(_server.Host.Facts.ClientCertificateAnchors, insecure: false) });

    private static HttpRequestMessage Request(HttpMethod method, string url, DownloadRequest? credentials) =>
        Request(method, url, credentials?.Username, credentials?.Password);

    private static HttpRequestMessage Request(HttpMethod method, string url, string? user, string? password)
    {
        var request = new HttpRequestMessage(method, url);
        if (user is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password)));
        }

        return request;
    }

    private static async Task<HttpResponseMessage> GetAsync(HttpClient http, string url, DownloadRequest? credentials, bool head = false)
    {
        using var request = Request(head ? HttpMethod.Head : HttpMethod.Get, url, credentials);
        return await http.SendAsync(request);
    }
}
