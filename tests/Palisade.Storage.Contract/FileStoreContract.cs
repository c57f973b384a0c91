using System.Security.Cryptography;
using Palisade.Acs.Files;
using Palisade.Acs.Storage;

namespace Palisade.Storage.Contract;

/// <summary>What every store does with files (IFileStore): metadata by name, content by SHA-256, whole or nothing.</summary>
/// <typeparam name="TFactory">Opens the store under test.</typeparam>
public abstract class FileStoreContract<TFactory> : StoreContract<TFactory>
    where TFactory : IStoreFactory, new()
{
    [Fact]
    public async Task A_file_is_stored_read_back_listed_by_name_and_deleted_with_its_content()
    {
        var content = Bytes(3 * 1024 * 1024 + 17, 1);
        Assert.True(await Store.PutFileAsync(File("fw-2.1.0.bin", content), new MemoryStream(content), default));
        Assert.True(await Store.PutFileAsync(File("a-first.bin", Bytes(10, 2)), new MemoryStream(Bytes(10, 2)), default));

        Assert.Equal(File("fw-2.1.0.bin", content), await Store.GetFileAsync("fw-2.1.0.bin", default));
        Assert.Equal(["a-first.bin", "fw-2.1.0.bin"], (await Store.ListFilesAsync(null, null, 10, default)).Select(f => f.Name));
        Assert.Equal(["fw-2.1.0.bin"], (await Store.ListFilesAsync(null, "a-first.bin", 10, default)).Select(f => f.Name));
        Assert.Equal(content, await ReadAllAsync(Sha(content)));

        Assert.True(await Store.DeleteFileAsync("fw-2.1.0.bin", default));
        Assert.False(await Store.DeleteFileAsync("fw-2.1.0.bin", default));
        Assert.Null(await Store.GetFileAsync("fw-2.1.0.bin", default));
        Assert.Null(await Store.OpenContentAsync(Sha(content), default));
    }

    [Fact]
    public async Task A_scheduled_backup_is_queued_once_per_window_and_preset_and_never_for_an_earlier_window()
    {
        await Store.CommitSessionAsync(new SessionChanges(NewDevice(1)), default);
        var upload = new NewTask("upload", "{\"name\":\"upload\",\"fileType\":\"3 Vendor Configuration File\"}", Now, null);
        var window = Now.AddMinutes(-10);
        Assert.Null(await Store.ScheduledBackupWindowAsync(Id(1), "nightly", default));

        var first = await Store.QueueScheduledBackupAsync(Id(1), "nightly", window, upload, default);
        Assert.Equal(("upload", DeviceTaskStatus.Queued, Id(1)), (first!.Name, first.Status, first.DeviceId));
        Assert.Null(await Store.QueueScheduledBackupAsync(Id(1), "nightly", window, upload, default));
        Assert.Null(await Store.QueueScheduledBackupAsync(Id(1), "nightly", window.AddDays(-1), upload, default));
        Assert.NotNull(await Store.QueueScheduledBackupAsync(Id(1), "weekly", window, upload, default));
        Assert.NotNull(await Store.QueueScheduledBackupAsync(Id(1), "nightly", window.AddDays(1), upload, default));
        Assert.Equal(3, (await Store.ListTasksAsync(Id(1), 10, default)).Count);

        // The mark a session reads before it tries the write: the latest window queued, per preset.
        Assert.Equal(window.AddDays(1).ToUnixTimeMilliseconds(), (await Store.ScheduledBackupWindowAsync(Id(1), "nightly", default))?.ToUnixTimeMilliseconds());
        Assert.Equal(window.ToUnixTimeMilliseconds(), (await Store.ScheduledBackupWindowAsync(Id(1), "weekly", default))?.ToUnixTimeMilliseconds());
        Assert.Null(await Store.ScheduledBackupWindowAsync(Id(1), "monthly", default));
        Assert.Null(await Store.ScheduledBackupWindowAsync(Id(2), "nightly", default));

        var missing = await Assert.ThrowsAsync<StoreException>(() => Store.QueueScheduledBackupAsync(Id(2), "nightly", window, upload, default));
        Assert.Equal(StoreErrorReason.NotFound, missing.Reason);
    }

    [Fact]
    public async Task Content_is_seekable_so_that_ranges_can_be_served_across_chunks()
    {
        var content = Bytes((2 * 1024 * 1024) + 100, 3);
        await Store.PutFileAsync(File("big.bin", content), new MemoryStream(content), default);
        await using var stream = await Store.OpenContentAsync(Sha(content), default);
        Assert.NotNull(stream);
        Assert.True(stream.CanSeek);
        Assert.Equal(content.Length, stream.Length);
        stream.Seek((1024 * 1024) - 10, SeekOrigin.Begin);
        var middle = new byte[20];
        await stream.ReadExactlyAsync(middle);
        Assert.Equal(content.AsSpan((1024 * 1024) - 10, 20).ToArray(), middle);
    }

    [Fact]
    public async Task Content_that_does_not_match_its_sha256_or_size_is_refused_and_nothing_is_written()
    {
        var content = Bytes(5000, 4);
        var meta = File("fw.bin", content);

        var tampered = (byte[])content.Clone();
        tampered[100] ^= 1;
        var wrong = await Assert.ThrowsAsync<StoreException>(() => Store.PutFileAsync(meta, new MemoryStream(tampered), default));
        Assert.Equal(StoreErrorReason.Rejected, wrong.Reason);

        var truncated = await Assert.ThrowsAsync<StoreException>(() => Store.PutFileAsync(meta, new MemoryStream(content[..4000]), default));
        Assert.Equal(StoreErrorReason.Rejected, truncated.Reason);

        var longer = await Assert.ThrowsAsync<StoreException>(() => Store.PutFileAsync(meta, new MemoryStream([.. content, 0]), default));
        Assert.Equal(StoreErrorReason.Rejected, longer.Reason);

        Assert.Null(await Store.GetFileAsync("fw.bin", default));
        Assert.Null(await Store.OpenContentAsync(meta.Sha256, default));
        Assert.Empty(await Store.ListFilesAsync(null, null, 10, default));
    }

    [Fact]
    public async Task Content_is_kept_once_while_any_name_holds_it_and_a_replaced_name_lets_its_old_content_go()
    {
        var one = Bytes(4096, 5);
        var two = Bytes(4096, 6);
        await Store.PutFileAsync(File("a.bin", one), new MemoryStream(one), default);
        await Store.PutFileAsync(File("b.bin", one), new MemoryStream(one), default);
        Assert.True(await Store.DeleteFileAsync("a.bin", default));
        Assert.Equal(one, await ReadAllAsync(Sha(one)));

        Assert.False(await Store.PutFileAsync(File("b.bin", two), new MemoryStream(two), default));
        Assert.Equal(Sha(two), (await Store.GetFileAsync("b.bin", default))!.Sha256);
        Assert.Null(await Store.OpenContentAsync(Sha(one), default));
        Assert.Equal(two, await ReadAllAsync(Sha(two)));
    }

    [Fact]
    public async Task Backups_are_listed_per_device_newest_first_and_signatures_survive_a_reopen()
    {
        var device = Id(1).ToString();
        for (var i = 0; i < 3; i++)
        {
            var content = Bytes(100, 10 + i);
            await Store.PutFileAsync(File($"backup-{i}", content) with { FileType = "3 Vendor Configuration File", Device = device, CreatedAt = T0.AddMinutes(i) }, new MemoryStream(content), default);
        }

        await Store.PutFileAsync(File("other", Bytes(100, 20)) with { Device = Id(2).ToString() }, new MemoryStream(Bytes(100, 20)), default);
        Assert.True(await Store.SetOperatorSignatureAsync("backup-1", "{\"format\":\"palisade-signature-1\"}", default));
        Assert.False(await Store.SetOperatorSignatureAsync("missing", "{}", default));

        Store = await ReopenAsync(Store);
        Assert.Equal(["backup-2", "backup-1", "backup-0"], (await Store.ListFilesAsync(device, null, 10, default)).Select(f => f.Name));
        Assert.Equal(["backup-2"], (await Store.ListFilesAsync(device, null, 1, default)).Select(f => f.Name));
        Assert.Equal("{\"format\":\"palisade-signature-1\"}", (await Store.GetFileAsync("backup-1", default))!.OperatorSignature);
        Assert.True(await Store.SetOperatorSignatureAsync("backup-1", null, default));
        Assert.Null((await Store.GetFileAsync("backup-1", default))!.OperatorSignature);
    }

    [Fact]
    public async Task A_request_download_gets_the_most_specific_matching_file_then_the_newest()
    {
        // One content for all: rows are what is ranked.
        var content = Bytes(64, 30);
        async Task PutAsync(string name, string? oui, string? productClass, string? model, int minutes, string type = "1 Firmware Upgrade Image", string? device = null) =>
            await Store.PutFileAsync(File(name, content) with { Oui = oui, ProductClass = productClass, ModelName = model, CreatedAt = T0.AddMinutes(minutes), FileType = type, Device = device }, new MemoryStream(content), default);

        await PutAsync("any-old", null, null, null, 1);
        await PutAsync("any-new", null, null, null, 2);
        Assert.Equal("any-new", (await Store.FindFileForDeviceAsync("1 Firmware Upgrade Image", "00D09E", "HGW", "HGW-1", default))?.Name);

        // Naming the device's OUI (in any ASCII case) beats newer files for any device.
        await PutAsync("oui", "00d09e", null, null, 0);
        await PutAsync("other-oui", "AABBCC", null, null, 9);
        Assert.Equal("oui", (await Store.FindFileForDeviceAsync("1 Firmware Upgrade Image", "00D09E", "HGW", "HGW-1", default))?.Name);

        // Two of the three beat one; a file for another class or model, of another type, or a backup never matches.
        await PutAsync("class-model", null, "HGW", "HGW-1", 0);
        await PutAsync("oui-class-other-model", "00D09E", "HGW", "HGW-2", 10);
        await PutAsync("other-class", "00D09E", "XGW", "HGW-1", 10);
        await PutAsync("config", "00D09E", "HGW", "HGW-1", 10, "3 Vendor Configuration File");
        await PutAsync("backup", "00D09E", "HGW", "HGW-1", 10, device: "00D09E-HGW-1");
        Assert.Equal("class-model", (await Store.FindFileForDeviceAsync("1 Firmware Upgrade Image", "00D09E", "HGW", "HGW-1", default))?.Name);

        // All three, twice at the same time: the first by name.
        await PutAsync("exact-b", "00D09E", "HGW", "HGW-1", 5);
        await PutAsync("exact-a", "00D09E", "HGW", "HGW-1", 5);
        Assert.Equal("exact-a", (await Store.FindFileForDeviceAsync("1 Firmware Upgrade Image", "00D09E", "HGW", "HGW-1", default))?.Name);

        // Product class and model compare exactly; an unknown model matches only files for any model.
        Assert.Equal("oui", (await Store.FindFileForDeviceAsync("1 Firmware Upgrade Image", "00D09E", "hgw", "HGW-1", default))?.Name);
        Assert.Equal("oui", (await Store.FindFileForDeviceAsync("1 Firmware Upgrade Image", "00D09E", "HGW", string.Empty, default))?.Name);
        Assert.Equal("config", (await Store.FindFileForDeviceAsync("3 Vendor Configuration File", "00D09E", "HGW", "HGW-1", default))?.Name);
        Assert.Null(await Store.FindFileForDeviceAsync("2 Web Content", "00D09E", "HGW", "HGW-1", default));
    }

    private async Task<byte[]> ReadAllAsync(string sha)
    {
        await using var stream = await Store.OpenContentAsync(sha, default);
        Assert.NotNull(stream);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    private static StoredFile File(string name, byte[] content) =>
        new(name, "1 Firmware Upgrade Image", "2.1.0", "00D09E", "HGW-1000", null, Sha(content), content.Length, "{\"format\":\"palisade-signature-1\"}", null, null, T0, "user:admin");

    private static string Sha(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    private static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
