using Palisade.Acs.Query;
using Palisade.Acs.Storage;

namespace Palisade.Storage.Contract;

/// <summary>What every store does for the device registry (IDeviceRegistry): search and its pages, projected parameters, tags and deletion.</summary>
/// <typeparam name="TFactory">Opens the store under test.</typeparam>
public abstract class DeviceRegistryContract<TFactory> : StoreContract<TFactory>
    where TFactory : IStoreFactory, new()
{
    [Fact]
    public async Task A_page_of_devices_gets_its_projected_parameters_in_one_call_as_one_read_each_would()
    {
        for (var n = 1; n <= 3; n++)
        {
            var changes = new SessionChanges(NewDevice(n));
            if (n < 3)
            {
                changes.Parameters.AddRange([Value("Device.DeviceInfo.SoftwareVersion", "1." + n), Value("Device.WiFi.SSID.1.SSID", "ssid-" + n), Value("Device.WiFi.SSID.2.SSID", "guest-" + n)]);
            }

            await Store.CommitSessionAsync(changes, default);
        }

        string[] projection = ["Device.WiFi.", "Device.DeviceInfo.SoftwareVersion"];
        var page = await Store.GetParametersAsync([Id(1), Id(2), Id(3), Id(9)], projection, default);
        Assert.Equal(4, page.Count);
        foreach (var id in new[] { Id(1), Id(2), Id(3) })
        {
            var oneByOne = new List<CachedParameter>();
            foreach (var prefix in projection)
            {
                oneByOne.AddRange(await Store.GetParametersAsync(id, prefix, default));
            }

            Assert.Equal(oneByOne, page[id]);
        }

        Assert.Equal(["ssid-2", "guest-2", "1.2"], page[Id(2)].Select(p => p.Value));
        Assert.Empty(page[Id(3)]);
        Assert.Empty(page[Id(9)]); // never seen
    }

    [Fact]
    public async Task An_import_writes_every_device_with_its_tags_and_sealed_connection_request_password_or_nothing()
    {
        await Store.CommitSessionAsync(new SessionChanges(NewDevice(2)), default);
        var one = NewDevice(1) with { LastInformAt = null, ConnectionRequest = new Acs.Devices.ConnectionRequestEndpoint(string.Empty, "cr", "cr-secret", null) };
        var clash = await Assert.ThrowsAsync<StoreException>(() => Store.ImportDevicesAsync([new ImportedDevice(one, ["fixed"]), new ImportedDevice(NewDevice(2), [])], default));
        Assert.Equal(StoreErrorReason.Rejected, clash.Reason);
        Assert.Contains(Id(2).ToString(), clash.Message, StringComparison.Ordinal);
        Assert.Null(await Store.GetDeviceAsync(Id(1), default));

        await Store.BlockDeviceAsync(Id(3), DateTimeOffset.UtcNow, default);
        Assert.Equal(StoreErrorReason.Rejected, (await Assert.ThrowsAsync<StoreException>(() => Store.ImportDevicesAsync([new ImportedDevice(NewDevice(3), [])], default))).Reason);

        await Store.ImportDevicesAsync([new ImportedDevice(one, ["fixed"]), new ImportedDevice(NewDevice(4), [])], default);
        var stored = await Store.GetDeviceAsync(Id(1), default);
        Assert.Equal(one.Credentials, stored!.Credentials);
        Assert.Equal("cr-secret", stored.ConnectionRequest!.Password);
        Assert.Equal(["fixed"], await Store.GetTagsAsync(Id(1), default));
        Assert.Empty(await Store.GetTagsAsync(Id(4), default));
    }

    [Fact]
    public async Task Devices_page_in_id_order_with_a_cursor()
    {
        foreach (var n in new[] { 3, 1, 5, 2, 4 })
        {
            await Store.CommitSessionAsync(new SessionChanges(NewDevice(n)), default);
        }

        var first = await Store.SearchDevicesAsync(new DeviceSearch(null, Limit: 2), default);
        var second = await Store.SearchDevicesAsync(new DeviceSearch(null, After: first.Next, Limit: 2), default);
        var third = await Store.SearchDevicesAsync(new DeviceSearch(null, After: second.Next, Limit: 2), default);

        Assert.Equal([Id(1), Id(2)], first.Devices.Select(d => d.Id));
        Assert.Equal([Id(3), Id(4)], second.Devices.Select(d => d.Id));
        Assert.Equal([Id(5)], third.Devices.Select(d => d.Id));
        Assert.Null(third.Next);
    }

    [Fact]
    public async Task Deleting_a_device_removes_its_parameters_and_tasks()
    {
        var changes = new SessionChanges(NewDevice(1));
        changes.Parameters.Add(Value("Device.X", "1"));
        changes.NewTasks.Add(new NewTask("reboot", "{}", T0, null));
        await Store.CommitSessionAsync(changes, default);
        var task = (await Store.TakeQueuedTasksAsync(Id(1), T0, default)).Single();

        Assert.True(await Store.DeleteDeviceAsync(Id(1), default));

        Assert.Null(await Store.GetDeviceAsync(Id(1), default));
        Assert.Empty(await Store.GetParametersAsync(Id(1), null, default));
        Assert.Null(await Store.GetTaskAsync(task.Id, default));
        Assert.False(await Store.DeleteDeviceAsync(Id(1), default));
    }

    [Fact]
    public async Task Filters_select_by_parameters_tags_events_and_device_fields()
    {
        await SeedAsync();
        Assert.Equal(new[] { 1, 3 }, await Matching("Device.DeviceInfo.SoftwareVersion = \"2.1\""));
        Assert.Equal(new[] { 1 }, await Matching("Device.DeviceInfo.SoftwareVersion = \"2.1\" AND tag = \"beta\""));
        Assert.Equal(new[] { 2, 3 }, await Matching("NOT tag = \"beta\""));
        Assert.Equal(new[] { 2 }, await Matching("Device.DeviceInfo.SoftwareVersion LIKE \"1.%\""));
        Assert.Equal(new[] { 3 }, await Matching("Device.WiFi.SSID.1.SSID IS NULL"));
        Assert.Equal(new[] { 1, 2 }, await Matching("Device.WiFi.SSID.1.SSID IS NOT NULL"));
        Assert.Equal(new[] { 2 }, await Matching("Device.DeviceInfo.UpTime > 1000"));
        Assert.Equal(new[] { 1, 3 }, await Matching("Device.DeviceInfo.UpTime <= 100"));
        Assert.Equal(new[] { 3 }, await Matching("event = \"0 BOOTSTRAP\""));
        Assert.Equal(new[] { 1, 2 }, await Matching("lastInform > now-1h"));
        Assert.Equal(new[] { 3 }, await Matching("lastInform < now-1h OR serialNumber = \"nobody\""));
        Assert.Equal(new[] { 2 }, await Matching("id = \"" + Id(2) + "\""));
        Assert.Equal(new[] { 1, 2, 3 }, await Matching(null));
    }

    [Fact]
    public async Task Last_inform_filters_and_order_follow_each_new_inform_and_never_match_a_device_that_never_informed()
    {
        // 1 informs at -50 min and again at -10 min (a device the store knows: an update); 2 at -30 min; 3 never; 4 is
        // deleted after informing.
        await Store.CommitSessionAsync(new SessionChanges(NewDevice(1) with { LastInformAt = Now.AddMinutes(-50) }), default);
        await Store.CommitSessionAsync(new SessionChanges(NewDevice(2) with { LastInformAt = Now.AddMinutes(-30) }), default);
        await Store.CommitSessionAsync(new SessionChanges(NewDevice(3) with { LastInformAt = null }), default);
        await Store.CommitSessionAsync(new SessionChanges(NewDevice(4) with { LastInformAt = Now.AddMinutes(-20) }), default);
        var one = (await Store.GetDeviceAsync(Id(1), default))!;
        await Store.CommitSessionAsync(new SessionChanges(one with { LastInformAt = Now.AddMinutes(-10) }) { Known = one }, default);
        Assert.True(await Store.DeleteDeviceAsync(Id(4), default));

        Assert.Equal(new[] { 1 }, await Matching("lastInform > now-20m"));
        Assert.Equal(new[] { 1 }, await Matching("lastInform >= now-10m"));
        Assert.Equal(new[] { 2 }, await Matching("lastInform < now-20m"));
        Assert.Equal(new[] { 1, 2 }, await Matching("lastInform <= now-10m"));
        Assert.Equal(new[] { 2 }, await Matching("lastInform < now-20m OR serialNumber = \"nobody\""));

        // Under a NOT, a comparison with no time is still no match, as in SQL: the device that never informed is in none.
        Assert.Equal(new[] { 2 }, await Matching("NOT lastInform > now-20m"));
        Assert.Equal(new[] { 1 }, await Matching("NOT (lastInform < now-20m OR serialNumber = \"nobody\")"));
        Assert.Equal(new[] { 3 }, await Matching("lastInform IS NULL"));

        var ascending = await Store.SearchDevicesAsync(new DeviceSearch(null, "lastInform", false), default);
        Assert.Equal([Id(3), Id(2), Id(1)], ascending.Devices.Select(d => d.Id));
        var descending = await Store.SearchDevicesAsync(new DeviceSearch(null, "lastInform", true), default);
        Assert.Equal([Id(1), Id(2), Id(3)], descending.Devices.Select(d => d.Id));
        Assert.Equal(3, descending.Total);
    }

    [Theory]
    [InlineData("Device.X = \"a'; DROP TABLE devices; --\"")]
    [InlineData("Device.X = \"%\" OR 1 = 1")]
    [InlineData("tag = \"' OR '1'='1\"")]
    [InlineData("Device.X LIKE \"%' OR 1=1 --\"")]
    [InlineData("event = \"1 BOOT') OR ('a'='a\"")]
    public async Task Injection_attempts_are_plain_values_or_refused(string text)
    {
        await SeedAsync();
        Filter? filter;
        try
        {
            filter = FilterParser.Parse(text, Now);
        }
        catch (FilterException)
        {
            return;
        }

        var result = await Store.SearchDevicesAsync(new DeviceSearch(filter), CancellationToken.None);
        Assert.Empty(result.Devices);
        Assert.Equal(3, await Store.CountDevicesAsync(CancellationToken.None));
    }

    public static TheoryData<string, bool, int> Orders()
    {
        var data = new TheoryData<string, bool, int>();
        foreach (var sort in DeviceSearch.SortFields)
        {
            foreach (var descending in new[] { false, true })
            {
                foreach (var size in new[] { 1, 2, 3 })
                {
                    data.Add(sort, descending, size);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Orders))]
    public async Task Pages_follow_each_other_in_every_order_and_the_total_counts_every_match(string sort, bool descending, int size)
    {
        // Ties and devices that never informed, where an order by a time has to fall back on the id.
        long?[] informed = [30, 10, 10, null, 20, null, 10];
        long[] registered = [1, 2, 2, 3, 1, 3, 2];
        for (var n = 1; n <= 7; n++)
        {
            await Store.CommitSessionAsync(new SessionChanges(NewDevice(n) with
            {
                LastInformAt = informed[n - 1] is { } i ? T0.AddMinutes(i) : null,
                RegisteredAt = T0.AddDays(registered[n - 1]),
            }), CancellationToken.None);
        }

        long? Key(int n) => sort switch { "lastInform" => informed[n - 1], "registered" => registered[n - 1], _ => 0 };
        var ascending = Enumerable.Range(1, 7).OrderBy(n => Key(n) ?? long.MinValue).ThenBy(n => Id(n).ToString(), StringComparer.Ordinal);
        var expected = (descending ? ascending.Reverse() : ascending).Select(n => Id(n).ToString()).ToList();

        var seen = new List<string>();
        string? after = null;
        for (var page = 0; page < 10; page++)
        {
            var result = await Store.SearchDevicesAsync(new DeviceSearch(null, sort, descending, after, size), CancellationToken.None);
            Assert.Equal(7, result.Total);
            seen.AddRange(result.Devices.Select(d => d.Id.ToString()));
            after = result.Next;
            if (after is null)
            {
                break;
            }
        }

        Assert.Equal(expected, seen);
    }

    [Fact]
    public async Task A_device_added_while_a_client_pages_does_not_repeat_one_already_seen()
    {
        for (var n = 2; n <= 7; n++)
        {
            await Store.CommitSessionAsync(new SessionChanges(NewDevice(n)), CancellationToken.None);
        }

        var first = await Store.SearchDevicesAsync(new DeviceSearch(null, Limit: 3), CancellationToken.None);

        // Sorts before the whole first page: counting devices to skip would show device 4 a second time.
        await Store.CommitSessionAsync(new SessionChanges(NewDevice(1)), CancellationToken.None);
        var second = await Store.SearchDevicesAsync(new DeviceSearch(null, After: first.Next, Limit: 3), CancellationToken.None);

        Assert.Equal([2, 3, 4], first.Devices.Select(d => int.Parse(d.Id.SerialNumber[3..], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal([5, 6, 7], second.Devices.Select(d => int.Parse(d.Id.SerialNumber[3..], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Null(second.Next);
    }

    [Theory]
    [InlineData("registered")]
    [InlineData("lastInform::")]
    [InlineData("lastInform:x:00D09E-HGW-1000-PLS0000001")]
    [InlineData("id:5:00D09E-HGW-1000-PLS0000001")]
    [InlineData("nonsense")]
    public async Task A_cursor_from_another_order_or_made_up_is_refused(string cursor)
    {
        await Store.CommitSessionAsync(new SessionChanges(NewDevice(1)), CancellationToken.None);
        var sort = cursor.StartsWith("id", StringComparison.Ordinal) ? "id" : "lastInform";
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Store.SearchDevicesAsync(new DeviceSearch(null, sort, After: cursor), CancellationToken.None));
        Assert.Contains("cursor", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tags_are_added_and_removed()
    {
        await Store.CommitSessionAsync(new SessionChanges(NewDevice(1)), CancellationToken.None);
        Assert.True(await Store.SetTagAsync(Id(1), "beta", true, CancellationToken.None));
        Assert.True(await Store.SetTagAsync(Id(1), "alpha", true, CancellationToken.None));
        Assert.True(await Store.SetTagAsync(Id(1), "beta", true, CancellationToken.None));
        Assert.Equal(["alpha", "beta"], await Store.GetTagsAsync(Id(1), CancellationToken.None));
        Assert.True(await Store.SetTagAsync(Id(1), "beta", false, CancellationToken.None));
        Assert.Equal(["alpha"], await Store.GetTagsAsync(Id(1), CancellationToken.None));
        Assert.False(await Store.SetTagAsync(Id(9), "x", true, CancellationToken.None));
    }

    private async Task SeedAsync()
    {
        var old = NewDevice(3) with { LastInformAt = Now.AddHours(-5), LastEvents = "0 BOOTSTRAP,1 BOOT" };
        var devices = new[] { NewDevice(1) with { LastInformAt = Now.AddMinutes(-5), LastEvents = "2 PERIODIC" }, NewDevice(2) with { LastInformAt = Now.AddMinutes(-1), LastEvents = "1 BOOT" }, old };
        var versions = new[] { "2.1", "1.9", "2.1" };
        var uptimes = new[] { "100", "5000", "50" };
        for (var i = 0; i < 3; i++)
        {
            var changes = new SessionChanges(devices[i]);
            changes.Parameters.Add(Value("Device.DeviceInfo.SoftwareVersion", versions[i]));
            changes.Parameters.Add(Value("Device.DeviceInfo.UpTime", uptimes[i], "unsignedInt"));
            if (i < 2)
            {
                changes.Parameters.Add(Value("Device.WiFi.SSID.1.SSID", "home-" + i));
            }

            await Store.CommitSessionAsync(changes, CancellationToken.None);
        }

        await Store.SetTagAsync(Id(1), "beta", true, CancellationToken.None);
    }

    private async Task<int[]> Matching(string? text)
    {
        var result = await Store.SearchDevicesAsync(new DeviceSearch(FilterParser.Parse(text, Now)), CancellationToken.None);
        Assert.Equal(result.Devices.Count, result.Total);
        return [.. result.Devices.Select(d => int.Parse(d.Id.SerialNumber[3..], System.Globalization.CultureInfo.InvariantCulture))];
    }

    [Fact]
    public async Task A_blocked_device_is_deleted_and_not_stored_again_until_it_is_unblocked()
    {
        await Store.CommitSessionAsync(new SessionChanges(NewDevice(1)), CancellationToken.None);
        await Store.SetTagAsync(Id(1), "beta", true, CancellationToken.None);

        Assert.True(await Store.BlockDeviceAsync(Id(1), T0, CancellationToken.None));
        Assert.False(await Store.BlockDeviceAsync(Id(1), T0, CancellationToken.None));
        Assert.Null(await Store.GetDeviceAsync(Id(1), CancellationToken.None));
        Assert.True(await Store.IsBlockedAsync(Id(1), CancellationToken.None));
        Assert.False(await Store.IsBlockedAsync(Id(2), CancellationToken.None));

        var error = await Assert.ThrowsAsync<StoreException>(() => Store.CommitSessionAsync(new SessionChanges(NewDevice(1)), CancellationToken.None));
        Assert.Equal(StoreErrorReason.Rejected, error.Reason);
        Assert.Null(await Store.GetDeviceAsync(Id(1), CancellationToken.None));

        Assert.True(await Store.UnblockDeviceAsync(Id(1), CancellationToken.None));
        Assert.False(await Store.UnblockDeviceAsync(Id(1), CancellationToken.None));
        Assert.False(await Store.IsBlockedAsync(Id(1), CancellationToken.None));
        await Store.CommitSessionAsync(new SessionChanges(NewDevice(1)), CancellationToken.None);
        Assert.Equal(NewDevice(1), await Store.GetDeviceAsync(Id(1), CancellationToken.None));
        Assert.Empty(await Store.GetTagsAsync(Id(1), CancellationToken.None));
    }

    [Fact]
    public async Task An_id_never_seen_can_be_blocked_ahead()
    {
        Assert.False(await Store.BlockDeviceAsync(Id(5), T0, CancellationToken.None));
        Assert.True(await Store.IsBlockedAsync(Id(5), CancellationToken.None));
        await Assert.ThrowsAsync<StoreException>(() => Store.CommitSessionAsync(new SessionChanges(NewDevice(5)), CancellationToken.None));
        Assert.Equal(0, await Store.CountDevicesAsync(CancellationToken.None));
    }
}
