using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Palisade.Acs.Files;
using Palisade.Acs.Tasks;
using Palisade.Acs.Tests.Sessions;
using Palisade.Cwmp;
using Palisade.Cwmp.Envelope;
using Palisade.Cwmp.Messages;

namespace Palisade.Acs.Tests.Files;

/// <summary>
/// A CPE's RequestDownload answered from the file store (<see cref="RequestDownloadStep"/>): the file is found by one
/// store query, so a store with many files (more than any scan would read) still answers with the right one.
/// </summary>
public sealed class RequestDownloadStepTests : IAsyncLifetime
{
    private EngineHarness _acs = null!;

    public Task InitializeAsync()
    {
        _acs = EngineHarness.Create(extraStep: h => new RequestDownloadStep(h.Store, h.Store, h.Store, NullLogger.Instance));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _acs.DisposeAsync();

    [Fact]
    public async Task The_matching_file_is_found_behind_more_than_ten_thousand_others()
    {
        var cpe = await _acs.EnrolledCpeAsync("RD-MANY");
        var content = RandomNumberGenerator.GetBytes(2048);
        var sha = Convert.ToHexStringLower(SHA256.HashData(content));
        var now = _acs.Time.GetUtcNow();
        Assert.True(await _acs.Store.PutFileAsync(
            new StoredFile("z-fw-2.0.0.bin", FileTypes.Firmware, "2.0.0", null, "HGW", null, sha, content.Length, "{}", null, null, now, "test"), new MemoryStream(content), CancellationToken.None));
        SeedOtherFiles(12_000, sha, content.Length, now.AddDays(1));

        Assert.Equal(200, (await cpe.InformAsync("9 REQUEST DOWNLOAD")).Status);
        var answer = await cpe.PostAsync(CwmpEnvelope.For(CwmpVersion.V1_4, "rd", new RequestDownloadRequest(FileTypes.Firmware, [])));
        Assert.IsType<RequestDownloadResponse>(answer.Body);
        await cpe.FinishSessionAsync();

        var queued = Assert.Single(await _acs.Store.ListTasksAsync(cpe.Id, 10, CancellationToken.None), t => t.Name == "download");
        var download = Assert.IsType<DownloadTask>(TaskJson.Parse(queued.Payload));
        Assert.Equal(("z-fw-2.0.0.bin", sha, (uint)content.Length), (download.FileName, download.Sha256, download.FileSize));
    }

    // Newer firmware for another product class, named to sort before the device's file: rows only (their content is
    // the stored file's), written in one transaction straight into the harness's database.
    private void SeedOtherFiles(int count, string sha, long size, DateTimeOffset createdAt)
    {
        using var connection = new SqliteConnection("Data Source=" + Path.Combine(_acs.DataDirectory, "palisade.db") + ";Pooling=False");
        connection.Open();
        using var transaction = connection.BeginTransaction();
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO files (name, file_type, version, oui, product_class, model_name, sha256, size, signature, operator_signature, device_id, created_at, created_by)
            VALUES ($name, $type, '9.0.0', NULL, 'OTHER', NULL, $sha, $size, '{}', NULL, NULL, $at, 'test')
            """;
        var name = insert.Parameters.Add("$name", SqliteType.Text);
        insert.Parameters.AddWithValue("$type", FileTypes.Firmware);
        insert.Parameters.AddWithValue("$sha", sha);
        insert.Parameters.AddWithValue("$size", size);
        insert.Parameters.AddWithValue("$at", createdAt.ToUnixTimeMilliseconds());
        for (var i = 0; i < count; i++)
        {
            name.Value = "a-" + i.ToString("D5", System.Globalization.CultureInfo.InvariantCulture) + ".bin";
            insert.ExecuteNonQuery();
        }

        transaction.Commit();
    }
}
