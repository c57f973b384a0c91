using Palisade.Acs.Access;
using Palisade.Acs.Query;
using Palisade.Acs.Storage;

namespace Palisade.Storage.Sqlite.Tests;

/// <summary>Search, tags, faults and the audit chain: part of the contract every store passes.</summary>
public abstract class SearchContract : DeviceStoreContract
{
    private static readonly DateTimeOffset Now = T0.AddHours(2);

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
    public async Task Faults_are_listed_retried_and_cleared()
    {
        await Store.CommitSessionAsync(new SessionChanges(NewDevice(1)), CancellationToken.None);
        var task = await Store.AddTaskAsync(Id(1), new NewTask("reboot", "{\"name\":\"reboot\"}", T0, null), CancellationToken.None);
        var changes = new SessionChanges(NewDevice(1));
        changes.Tasks.Add(new TaskUpdate(task.Id, DeviceTaskStatus.Faulted, null, new TaskFault(9002, "Internal error", null)));
        await Store.CommitSessionAsync(changes, CancellationToken.None);

        Assert.Equal(task.Id, Assert.Single(await Store.ListFaultsAsync(null, null, 10, CancellationToken.None)).Id);
        Assert.Single(await Store.ListFaultsAsync(Id(1), null, 10, CancellationToken.None));
        Assert.Single(await Store.ListFaultsAsync(null, FilterParser.Parse("serialNumber = \"" + Id(1).SerialNumber + "\"", Now), 10, CancellationToken.None));
        Assert.Empty(await Store.ListFaultsAsync(null, FilterParser.Parse("serialNumber = \"nobody\"", Now), 10, CancellationToken.None));
        var retried = await Store.RetryTaskAsync(task.Id, Now, null, CancellationToken.None);
        Assert.Equal(DeviceTaskStatus.Queued, retried!.Status);
        Assert.Null(retried.Fault);
        Assert.Null(await Store.RetryTaskAsync(task.Id, Now, null, CancellationToken.None));
        Assert.Empty(await Store.ListFaultsAsync(null, null, 10, CancellationToken.None));
        Assert.False(await Store.ClearFaultAsync(task.Id, CancellationToken.None));
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

    [Fact]
    public async Task The_audit_chain_verifies_and_links_each_entry_to_the_last()
    {
        var audit = (IAuditLog)Store;
        var first = await audit.AppendAsync(new AuditRecord(T0, "key:ops", "192.0.2.7", "task.create", Id(1).ToString(), "{\"name\":\"reboot\"}"), CancellationToken.None);
        var second = await audit.AppendAsync(new AuditRecord(T0.AddSeconds(1), "user:admin", "192.0.2.8", "tag.add", Id(1).ToString(), "{\"tag\":\"beta\"}"), CancellationToken.None);
        Assert.Equal(AuditChain.Genesis, first.PrevHash);
        Assert.Equal(first.Hash, second.PrevHash);
        var verification = await audit.VerifyAuditAsync(CancellationToken.None);
        Assert.True(verification.Intact);
        Assert.Equal(2, verification.Entries);
        Assert.Equal([2L, 1L], (await audit.ListAuditAsync(null, 10, CancellationToken.None)).Select(e => e.Seq));
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
}
