using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Palisade.Acs.Devices;
using Palisade.Acs.Files;
using Palisade.Acs.Storage;
using Palisade.Acs.Tasks;
using Palisade.Acs.Tests.Provisioning;
using Palisade.Acs.Tests.Sessions;
using Palisade.Cwmp.Messages;

namespace Palisade.Acs.Tests.Files;

/// <summary>
/// Provisioning's <c>Downloads.*</c> as stored-file download tasks (<see cref="ProvisionedDownloads"/>): the task is
/// stored at once (it needs its id for the device's URL), the <c>Downloads.*</c> record only with the session's commit,
/// so a session that dies in between must not make the next one queue the same download again.
/// </summary>
public sealed class ProvisionedDownloadsTests
{
    private const string FileName = "fw-3.0.0.bin";

    private const string Firmware = """
        const fw = "Downloads.[FileType:1 Firmware Upgrade Image]";
        declare(fw, {path: 1}, {path: 1});
        declare(fw + ".FileName", {value: 1}, {value: "fw-3.0.0.bin"});
        declare(fw + ".Download", {value: 1}, {value: 1});
        """;

    [Fact]
    public async Task A_session_that_dies_before_its_commit_leaves_one_download_which_the_next_session_runs_once()
    {
        var source = new MemoryProvisioning();
        await using var harness = Harness(source);
        await StoreFileAsync(harness);
        var cpe = harness.Cpe("dl-dies", "tr181");
        await cpe.SessionAsync("0 BOOTSTRAP", "1 BOOT");
        source.With("firmware", "firmware", Firmware);

        // The device is sent the Download and its connection drops; the node cannot record the session either (the
        // store went away, or the node died): nothing of it is committed, but its download task was stored.
        Assert.Single((await cpe.SessionDyingAtAsync(m => m is DownloadRequest)).OfType<DownloadRequest>());
        harness.Engine.CommitsToFail = 1;
        harness.Engine.Time.Advance(harness.Engine.Options.SessionTimeout + TimeSpan.FromSeconds(1));
        Assert.Equal(1, await harness.Engine.Engine.SweepExpiredAsync(CancellationToken.None));
        Assert.Equal(0, harness.Engine.CommitsToFail);
        Assert.Empty(await harness.Engine.Store.GetParametersAsync(cpe.Cpe.Id, "Downloads.", CancellationToken.None));
        Assert.Single(await DownloadsAsync(harness, cpe.Cpe.Id));

        // The next session runs the queued download; provisioning, which still sees no Downloads.* record, adds none.
        var sent = Assert.Single((await cpe.SessionAsync()).OfType<DownloadRequest>());
        var task = Assert.Single(await DownloadsAsync(harness, cpe.Cpe.Id));
        Assert.Equal(TaskCommandKey.For(task.Id), sent.CommandKey);
        Assert.Equal(DeviceTaskStatus.Done, task.Status);
        Assert.True(TaskResultState.Is(task.Result, TaskResultState.Pending), task.Result);
        Assert.Empty(await harness.Engine.Store.ListChannelFaultsAsync(cpe.Cpe.Id, null, 10, CancellationToken.None));

        // The Downloads.* record was committed with it: later sessions send nothing more.
        Assert.Empty((await cpe.SessionAsync()).OfType<DownloadRequest>());
        Assert.Single(await DownloadsAsync(harness, cpe.Cpe.Id));
    }

    [Fact]
    public async Task A_cancelled_download_of_the_same_file_does_not_hold_back_a_new_one_and_one_still_running_does()
    {
        var source = new MemoryProvisioning();
        await using var harness = Harness(source);
        var file = await StoreFileAsync(harness);
        var cpe = harness.Cpe("dl-again", "tr181");
        await cpe.SessionAsync("0 BOOTSTRAP", "1 BOOT");
        var same = StoredDownloads.For(file, new DownloadTask(FileTypes.Firmware, string.Empty, 0, string.Empty, FileName));
        var now = harness.Engine.Time.GetUtcNow();
        var cancelled = await harness.Engine.Store.AddTaskAsync(cpe.Cpe.Id, new NewTask(same.Name, TaskJson.Serialize(same), now, null), CancellationToken.None);
        Assert.True(await harness.Engine.Store.CancelTaskAsync(cancelled.Id, now, CancellationToken.None));

        source.With("firmware", "firmware", Firmware);
        var sent = Assert.Single((await cpe.SessionAsync()).OfType<DownloadRequest>());
        Assert.NotEqual(TaskCommandKey.For(cancelled.Id), sent.CommandKey);
        Assert.Equal(2, (await DownloadsAsync(harness, cpe.Cpe.Id)).Count);

        // A later declared time asks for the download again while the device still has the first under way: not twice.
        var later = EngineHarness.Start.AddHours(1).ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        source.Provisions["firmware"] = Firmware.Replace("{value: 1});", "{value: " + later + "});", StringComparison.Ordinal);
        harness.Engine.Time.Advance(TimeSpan.FromHours(2));
        Assert.Empty((await cpe.SessionAsync()).OfType<DownloadRequest>());
        Assert.Equal(2, (await DownloadsAsync(harness, cpe.Cpe.Id)).Count);
        Assert.Empty(await harness.Engine.Store.ListChannelFaultsAsync(cpe.Cpe.Id, null, 10, CancellationToken.None));
    }

    private static ProvisioningHarness Harness(MemoryProvisioning source) => new(
        source,
        downloads: h => new ProvisionedDownloads(h.Store, h.Store),
        trailingSteps: h => [new FileTransferStep(new TransferTokens(RandomNumberGenerator.GetBytes(32), TimeSpan.FromHours(1), h.Time), new FileServerUrls("https://acs.test:7567/", null), NullLogger.Instance)]);

    private static async Task<StoredFile> StoreFileAsync(ProvisioningHarness harness)
    {
        var content = RandomNumberGenerator.GetBytes(4096);
        var file = new StoredFile(FileName, FileTypes.Firmware, "3.0.0", null, null, null, Convert.ToHexStringLower(SHA256.HashData(content)), content.Length, "{}", null, null, harness.Engine.Time.GetUtcNow(), "test");
        Assert.True(await harness.Engine.Store.PutFileAsync(file, new MemoryStream(content), CancellationToken.None));
        return file;
    }

    private static async Task<List<DeviceTask>> DownloadsAsync(ProvisioningHarness harness, DeviceId id) =>
        [.. (await harness.Engine.Store.ListTasksAsync(id, 100, CancellationToken.None)).Where(t => t.Name == "download")];
}
