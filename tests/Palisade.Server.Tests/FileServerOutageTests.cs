using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Palisade.Cwmp.Messages;
using Palisade.Testing;

namespace Palisade.Server.Tests;

/// <summary>
/// The file server while its store is away (a PostgreSQL restart or failover): a CPE fetching its firmware is told to
/// come back (503 with Retry-After, logged), as on the CWMP endpoint, not that the server broke (500); once the store is
/// back the same URL serves again. A database of its own, so other tests are untouched.
/// </summary>
public sealed class FileServerOutageTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly string _database = "files_outage_" + Guid.NewGuid().ToString("N");
    private readonly byte[] _firmware = RandomNumberGenerator.GetBytes(64 * 1024);
    private TestServer _server = null!;
    private ApiClient _api = null!;
    private string _admin = null!;

    public async Task InitializeAsync()
    {
        var connectionString = TestPostgres.CreateDatabase(_database).ConnectionString;
        _server = await TestServer.StartAsync(openStore: TestPostgres.OpenStore(connectionString));
        _api = new ApiClient(_server);
        _admin = await _api.KeyAsync("admin");
    }

    public async Task DisposeAsync()
    {
        TestPostgres.SetReachable(_database, true);
        _api.Dispose();
        await _server.DisposeAsync();
        TestPostgres.DropDatabase(_database);
    }

    [Fact]
    public async Task While_the_store_is_away_a_download_gets_503_with_retry_after_and_afterwards_the_same_url_serves_again()
    {
        using var put = new HttpRequestMessage(HttpMethod.Put, _server.Host.Facts.ApiUrl + "/api/v1/files/fw.bin") { Content = new ByteArrayContent(_firmware) };
        put.Headers.TryAddWithoutValidation("Authorization", "Bearer " + _admin);
        put.Headers.Add("fileType", "1 Firmware Upgrade Image");
        put.Headers.Add("version", "2.1.0");
        using var http = new HttpClient(new SocketsHttpHandler { SslOptions = Security.Pki.Certificates.ServerAuthentication(_server.Host.Facts.ClientCertificateAnchors, insecure: false) });
        using (var added = await http.SendAsync(put))
        {
            Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        }

        using var first = TestCpe.Bootstrap(_server, "SN-FILE-OUTAGE");
        await first.RunSessionAsync(null, "0 BOOTSTRAP").WaitAsync(Deadline);
        using var cpe = new TestCpe(_server, "SN-FILE-OUTAGE", first.Username, first.Password);
        var queued = await _api.SendAsync(HttpMethod.Post, $"api/v1/devices/{Uri.EscapeDataString(cpe.DeviceId)}/tasks", _admin, """{"name":"download","fileType":"1 Firmware Upgrade Image","fileName":"fw.bin"}""");
        Assert.True(queued.Status == HttpStatusCode.Accepted, queued.Text);
        var seen = await cpe.RunSessionAsync(null, "2 PERIODIC").WaitAsync(Deadline);
        var download = Assert.Single(seen.OfType<DownloadRequest>());

        using (var before = await GetAsync(http, download))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        TestPostgres.SetReachable(_database, false);
        using (var away = await GetAsync(http, download).WaitAsync(Deadline))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, away.StatusCode);
            Assert.NotNull(away.Headers.RetryAfter);
        }

        Assert.Contains(_server.Logs.Lines, l => l.Contains("the store is unreachable", StringComparison.Ordinal) && l.Contains("Palisade.Files", StringComparison.Ordinal));

        // Back: the node reconnects by itself and the URL, still outstanding, serves the whole file.
        TestPostgres.SetReachable(_database, true);
        await Eventually.HoldsAsync(
            async () =>
            {
                using var after = await GetAsync(http, download);
                return after.StatusCode == HttpStatusCode.OK && (await after.Content.ReadAsByteArrayAsync()).SequenceEqual(_firmware);
            },
            "the download is served again once the store is back",
            Deadline);
    }

    private static async Task<HttpResponseMessage> GetAsync(HttpClient http, DownloadRequest download)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, download.Url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(download.Username + ":" + download.Password)));
        return await http.SendAsync(request);
    }
}
